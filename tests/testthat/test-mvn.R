# Multivariate Gaussian regression experts (expert = "mvn", a response cbind(y1, y2, ...)): known-truth
# recovery, mixtools' mvnormalmixEM and flexmix's FLXMCmvnorm as oracles for the Gaussian mixture
# they share with a constant gate and intercept-only experts, the methods, and bad input.

# Two softmax-gated bivariate regressions on x ~ U(-2, 2), gate slope 2.
mvn_truth <- list(beta = list(rbind(c(1, -1), c(2, 0.5)), rbind(c(-1, 2), c(-1.5, 1))),
                  covariance = list(rbind(c(0.5, 0.2), c(0.2, 0.4)), rbind(c(0.3, -0.1), c(-0.1, 0.6))))

simulate_mvn <- function(n, seed) {
  set.seed(seed)
  x <- stats::runif(n, -2, 2)
  component <- ifelse(stats::runif(n) < stats::plogis(0.3 + 2 * x), 2L, 1L)
  y <- matrix(0, n, 2)
  for (k in 1:2) {
    rows <- component == k
    noise <- matrix(stats::rnorm(2 * sum(rows)), ncol = 2) %*% chol(mvn_truth$covariance[[k]])
    y[rows, ] <- cbind(1, x[rows]) %*% mvn_truth$beta[[k]] + noise
  }
  data.frame(x = x, y1 = y[, 1], y2 = y[, 2], component = component)
}

test_that("mvn experts recover a known bivariate mixture within 4 standard errors", {
  d <- simulate_mvn(5000, 1)
  fit <- moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn", starts = 3, seed = 1)
  expect_equal(fit$status, "converged")
  expect_equal(fit$expert, "mvn(dimension = 2)")
  expect_equal(fit$responses, c("y1", "y2"))
  # df: gate 2, experts 2 x (2 x 2 coefficients + 3 covariance entries).
  expect_equal(fit$df, 2 + 2 * (4 + 3))
  expect_equal(attr(logLik(fit), "df"), fit$df)
  expect_equal(length(coef(fit)), fit$df)
  se <- sqrt(diag(vcov(fit)))
  truth <- function(k) c(as.vector(mvn_truth$beta[[k]]), mvn_truth$covariance[[k]][c(1, 3, 4)])
  # Components sorted by the intercept of y1 (truth: 1 then -1).
  order <- order(fit$coefficients$experts["y1:(Intercept)", ], decreasing = TRUE)
  for (j in 1:2) {
    k <- order[j]
    names <- paste0("expert:Comp.", k, ":", c(rownames(fit$coefficients$experts),
                                              rownames(fit$coefficients$covariance)))
    z <- (coef(fit)[names] - truth(j)) / se[names]
    expect_lt(max(abs(z)), 4)
    expect_lt(max(se[names]), 0.05)
  }
  expect_equal(dim(fitted(fit)), c(5000L, 2L))
  expect_equal(colnames(fitted(fit)), c("y1", "y2"))
  expect_equal(residuals(fit), as.matrix(d[, c("y1", "y2")]) - fitted(fit), ignore_attr = TRUE)
  expect_true(all(diff(fit$trace$loglik) > -1e-9 * abs(fit$logLik)))
})

test_that("mvn experts with the Gaussian-density gate (GLLiM) fit and predict", {
  set.seed(2)
  n <- 3000
  component <- ifelse(stats::runif(n) < 0.4, 1L, 2L)
  x <- ifelse(component == 1L, stats::rnorm(n, -1, 0.6), stats::rnorm(n, 1.5, 0.7))
  y <- matrix(0, n, 2)
  for (k in 1:2) {
    rows <- component == k
    y[rows, ] <- cbind(1, x[rows]) %*% mvn_truth$beta[[k]] +
      matrix(stats::rnorm(2 * sum(rows)), ncol = 2) %*% chol(mvn_truth$covariance[[k]])
  }
  d <- data.frame(x = x, a = y[, 1], b = y[, 2])
  fit <- moe(cbind(a, b) ~ x, data = d, K = 2, expert = "mvn", gate = "gaussian_density", starts = 3, seed = 2)
  expect_equal(fit$status, "converged")
  expect_equal(fit$objective, "joint")
  first <- which.max(fit$coefficients$experts["a:(Intercept)", ])
  expect_close(fit$covariances[[first]], mvn_truth$covariance[[1]], 0.1)
  new <- data.frame(x = c(-1, 0, 1.5), a = c(0, 0, 0), b = c(0, 0, 0))
  mean <- predict(fit, new)
  expect_equal(dim(mean), c(3L, 2L))
  expect_equal(colnames(mean), c("a", "b"))
  covariance <- predict(fit, new, type = "covariance")
  expect_equal(dim(covariance), c(2L, 2L, 3L))
  expect_true(all(apply(covariance, 3L, function(m) all(eigen(m)$values > 0))))
  expect_equal(length(predict(fit, new, type = "density")), 3L)
  sims <- simulate(fit, nsim = 2, seed = 1, newdata = new)
  expect_equal(dim(sims$sim_2), c(3L, 2L))
  expect_equal(colnames(sims$sim_1), c("a", "b"))
})

# The smoothed start partition moe's EM begins from, as mixtools' starting parameters (lambda, mu,
# sigma from one M-step on the same responsibilities), so that both EMs run from the same start.
mvn_start <- function(y, cluster, smoothing = 0.05) {
  r <- outer(cluster, 1:2, "==") * (1 - smoothing) + smoothing / 2
  list(lambda = colMeans(r),
       mu = lapply(1:2, function(k) colSums(r[, k] * y) / sum(r[, k])),
       sigma = lapply(1:2, function(k) stats::cov.wt(y, wt = r[, k] / sum(r[, k]), method = "ML")$cov))
}

test_that("a constant gate with intercept-only mvn experts matches mixtools::mvnormalmixEM from the same start", {
  skip_if_not_installed("mixtools")
  d <- simulate_mvn(3000, 3)
  y <- as.matrix(d[, c("y1", "y2")])
  cluster <- ifelse(y[, 1] > stats::median(y[, 1]), 1L, 2L)
  start <- mvn_start(y, cluster)
  utils::capture.output(mix <- mixtools::mvnormalmixEM(y, lambda = start$lambda, mu = start$mu,
                                                      sigma = start$sigma, k = 2, epsilon = 1e-12,
                                                      maxit = 10000))
  fit <- moe(cbind(y1, y2) ~ 1 | 1, data = d, K = 2, expert = "mvn", cluster = cluster, starts = 1,
             seed = 1, control = moe_control(tol = 1e-13, max_iter = 10000))
  expect_gte(fit$logLik, mix$loglik - 1e-8 * abs(mix$loglik))
  expect_equal(fit$logLik, mix$loglik, tolerance = 1e-8)
  ours <- order(fit$coefficients$experts["y1:(Intercept)", ])
  theirs <- order(vapply(mix$mu, `[`, numeric(1), 1L))
  for (j in 1:2) {
    expect_close(fit$coefficients$experts[, ours[j]], mix$mu[[theirs[j]]], 1e-5)
    expect_close(fit$covariances[[ours[j]]], mix$sigma[[theirs[j]]], 1e-5, relative = TRUE)
  }
  lambda <- colMeans(predict(fit, type = "gate"))
  expect_close(lambda[ours], mix$lambda[theirs], 1e-6)
})

test_that("mvn experts reach at least flexmix's FLXMCmvnorm log-likelihood", {
  skip_if_not_installed("flexmix")
  skip_if_not_installed("mvtnorm")  # FLXMCmvnorm's density
  d <- simulate_mvn(2000, 4)
  cluster <- ifelse(d$y1 > stats::median(d$y1), 1L, 2L)
  oracle <- flexmix::flexmix(cbind(y1, y2) ~ 1, data = d, k = 2, cluster = cluster,
                             model = flexmix::FLXMCmvnorm(diagonal = FALSE), control = list(tolerance = 1e-12, iter.max = 5000))
  fit <- moe(cbind(y1, y2) ~ 1 | 1, data = d, K = 2, expert = "mvn", cluster = cluster, starts = 1,
             seed = 1, control = moe_control(tol = 1e-13, max_iter = 10000))
  expect_gte(fit$logLik, oracle@logLik - 1e-6 * abs(oracle@logLik))
  expect_equal(fit$df, oracle@df)
})

test_that("one response column with mvn equals the gaussian expert", {
  d <- simulate_truth(1000, 5)
  gaussian <- moe(y ~ x, data = d, K = 2, starts = 2, seed = 3)
  mvn <- moe(y ~ x, data = d, K = 2, expert = "mvn", starts = 2, seed = 3)
  expect_equal(mvn$logLik, gaussian$logLik, tolerance = 1e-8)
  expect_equal(mvn$df, gaussian$df)
})

test_that("mvn models print, summarise, round-trip a model file and fit by direct maximum likelihood", {
  d <- simulate_mvn(800, 6)
  fit <- moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn", starts = 2, seed = 1)
  expect_output(print(fit), "cov\\(y1,y2\\)")
  expect_output(print(summary(fit)), "y2:x")
  path <- temp_json()
  write_moe(fit, path)
  back <- read_moe(path)
  expect_equal(back$logLik, fit$logLik)
  expect_equal(predict(back, d), predict(fit, d), tolerance = 1e-10)
  expect_equal(back$covariances, fit$covariances)
  mle <- moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn", starts = 2, seed = 1,
             control = moe_control(solver = "mle"))
  expect_equal(mle$logLik, fit$logLik, tolerance = 1e-6)
  polished <- moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn", starts = 2, seed = 1,
                  control = moe_control(solver = "em+mle"))
  expect_gte(polished$logLik, fit$logLik - 1e-8 * abs(fit$logLik))
})

test_that("bad multivariate input is refused with a message naming the column or option", {
  d <- simulate_mvn(300, 7)
  expect_error(moe(cbind(y1, y2) ~ x, data = d, K = 2), "has 2 columns.*expert = \"mvn\"")
  expect_error(moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "t"), "models one")
  expect_error(moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn(dimension = 3)"), "dimension 3")
  expect_error(moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn(shape = 1)"), "shape")
  bad <- d
  bad$y2[7] <- NaN
  expect_error(moe(cbind(y1, y2) ~ x, data = bad, K = 2, expert = "mvn"), "'y2' has the value NaN in row 7")
  bad <- d
  bad$y2 <- 1
  expect_error(moe(cbind(y1, y2) ~ x, data = bad, K = 2, expert = "mvn"), "'y2' is constant")
  # K = 3 experts of 2 x 2 + 3 parameters and a gate of 4 need more than 25 rows.
  expect_error(moe(cbind(y1, y2) ~ x, data = d[1:25, ], K = 3, expert = "mvn"), "25 rows")
  fit <- moe(y1 ~ x, data = d, K = 2, starts = 1, seed = 1)
  expect_error(predict(fit, d, type = "covariance"), "needs mvn experts")
})
