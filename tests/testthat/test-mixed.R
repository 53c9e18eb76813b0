# Mixed-effects mixtures of experts: (1 | group) in the gate or in the experts.

# Grouped data with random intercepts in the gate: 60 groups of 10.
simulate_gate_groups <- function(G = 60, m = 10, beta = 1.2, seed = 1) {
  set.seed(seed)
  g <- rep(seq_len(G), each = m)
  u <- rnorm(G)[g]
  x <- runif(G * m, -1, 1)
  k <- rbinom(G * m, 1, plogis(0.3 + 1.5 * x + beta * u))
  data.frame(y = ifelse(k == 1, 2 - x, -2 + x) + rnorm(G * m, sd = 0.5), x = x,
             school = paste0("s", g))
}

# The marginal log-likelihood of the regmixEM.mixed model at given parameters (common sigma).
regmix_mixed_loglik <- function(y, x, lambda, mu, R, sigma) {
  sum(vapply(seq_along(y), function(i) {
    dens <- vapply(seq_along(lambda), function(k) {
      X <- x[[i]]
      V <- X %*% R[[k]] %*% t(X) + sigma^2 * diag(nrow(X))
      U <- chol(V)
      e <- backsolve(U, y[[i]] - X %*% mu[, k], transpose = TRUE)
      log(lambda[k]) - 0.5 * nrow(X) * log(2 * pi) - sum(log(diag(U))) - 0.5 * sum(e^2)
    }, numeric(1))
    max(dens) + log(sum(exp(dens - max(dens))))
  }, numeric(1)))
}

test_that("random effects in the experts match mixtools::regmixEM.mixed on its own example", {
  skip_if_not_installed("mixtools")
  data("RanEffdata", package = "mixtools", envir = environment())
  x <- lapply(RanEffdata[1:20], function(d) matrix(d[, 2:3], ncol = 2))
  y <- lapply(RanEffdata[1:20], function(d) matrix(d[, 1], ncol = 1))
  # mixtools' example as on its help page (epsilon 1e-2). At epsilon 1e-8 mixtools 2.0.0 runs 21
  # minutes into its 10000-iteration cap (not converged, still gaining 4.4e-8 per iteration) at
  # -1146.78891674: that figure, recorded on 2026-12-07, is checked as well.
  set.seed(100)
  mt <- suppressMessages(mixtools::regmixEM.mixed(
    y, x, sigma = 2, arb.sigma = FALSE, lambda = c(0.45, 0.55), mu = matrix(c(0, 4, 100, 12), 2, 2),
    R = list(diag(1, 2), diag(1, 2)), addintercept.random = FALSE, epsilon = 1e-2))
  mixtools_tight <- -1146.78891674
  # Same model: our likelihood formula at mixtools' estimates gives mixtools' log-likelihood.
  at_mt <- regmix_mixed_loglik(y, x, mt$lambda, mt$mu, mt$R, mt$sigma)
  expect_equal(at_mt, mt$loglik, tolerance = 1e-6)
  d <- data.frame(y = unlist(y), x = unlist(lapply(x, function(m) m[, 2])),
                  id = rep(seq_along(y), vapply(y, length, 1L)))
  # Component 1's random-effect covariance tends to singularity, where EM creeps: the AECM cycle
  # (GLS fixed effects) passes mixtools' 10000-iteration value at tol 1e-11 (about 20000 iterations;
  # at tol 1e-9 it stops after 1950 iterations 0.0018 below it). README: the figures.
  fit <- moe(y ~ x + (x | id) | 1, data = d, K = 2, seed = 1, starts = 1,
             control = moe_control(tol = 1e-11, max_iter = 25000), mixed = list(common_variance = TRUE))
  expect_s3_class(fit, "moe_mixed")
  expect_equal(fit$status, "converged")
  expect_equal(fit$random$placement, "expert")
  expect_gte(as.numeric(logLik(fit)), mt$loglik)
  expect_gte(as.numeric(logLik(fit)), mixtools_tight)
  # Our estimates evaluated by the independent R formula give our log-likelihood.
  vc <- VarCorr(fit)
  pi2 <- plogis(fit$coefficients$gate[1, 2] - fit$coefficients$gate[1, 1])
  ours <- regmix_mixed_loglik(y, x, c(1 - pi2, pi2), fit$coefficients$experts,
                              list(vc$Comp.1, vc$Comp.2), fit$coefficients$sigma[[1]])
  expect_equal(ours, as.numeric(logLik(fit)), tolerance = 1e-8)
  expect_equal(attr(logLik(fit), "df"), 1 + 2 * 2 + 2 * 3 + 1)
  expect_false(any(fit$trace$decrease))
  re <- ranef(fit)
  expect_equal(dim(re), c(20L, 2L))
  expect_equal(dim(attr(re, "posterior")), c(20L, 2L))
})

test_that("random effects in the gate raise the likelihood and are reported", {
  d <- simulate_gate_groups()
  fit <- moe(y ~ x | x + (1 | school), data = d, K = 2, seed = 1, starts = 2)
  plain <- moe(y ~ x | x, data = d, K = 2, seed = 1, starts = 2)
  expect_s3_class(fit, "moe_mixed")
  expect_gt(as.numeric(logLik(fit)), as.numeric(logLik(plain)) + 2)
  expect_equal(attr(logLik(fit), "df"), attr(logLik(plain), "df") + 1)
  expect_equal(rownames(fit$coefficients$gate), c("(Intercept)", "x", "u.1"))
  re <- ranef(fit)
  expect_equal(nrow(re), 60L)
  expect_equal(sort(rownames(re)), sort(unique(d$school)))
  vc <- VarCorr(fit)
  expect_equal(vc$logit[2, 2], fit$coefficients$gate["u.1", 2]^2)
  # One simulated data set of 60 groups: the loading (true 1.2) within about 3 SE (~0.15 each).
  expect_lt(abs(abs(fit$coefficients$gate["u.1", 2]) - 1.2), 0.6)
  expect_output(print(summary(fit)), "Random logit shifts against Comp.1")
  expect_output(print(fit), "adaptive Gauss-Hermite, 15 nodes per group")
  expect_equal(length(fitted(fit)), nrow(d))
})

test_that("predict() of mixed fits: conditional for seen groups, population level for new ones", {
  d <- simulate_gate_groups(G = 30, seed = 6)
  fit <- moe(y ~ x | x + (1 | school), data = d, K = 2, seed = 1, starts = 2)
  expect_equal(unname(predict(fit)), unname(fitted(fit)), tolerance = 1e-12)
  new <- data.frame(x = c(0.3, 0.3, NA), school = c("s1", "unknown", "s1"))
  cond <- predict(fit, new)
  pop <- predict(fit, new, level = "population")
  expect_equal(cond[[2]], pop[[2]])
  expect_equal(pop[[1]], pop[[2]])
  expect_true(is.na(cond[[3]]))
  # By hand: softmax((1, x, u) %*% gate) weights on the expert means, u the group's predicted effect.
  u <- ranef(fit)["s1", 1]
  mu <- predict(fit, new, type = "experts")[1, ]
  for (case in list(list(u = u, value = cond[[1]]), list(u = 0, value = pop[[1]]))) {
    eta <- drop(c(1, 0.3, case$u) %*% fit$coefficients$gate)
    g <- exp(eta) / sum(exp(eta))
    expect_equal(case$value, sum(g * mu), tolerance = 1e-10)
  }
  expect_gt(abs(cond[[1]] - pop[[1]]), 1e-3)
  gate <- predict(fit, new, type = "gate")
  expect_equal(dim(gate), c(3L, 2L))
  expect_equal(rowSums(gate[1:2, ]), c(1, 1), ignore_attr = TRUE)

  # The expert placement: a seen group keeps its posterior membership and its random intercept.
  fe <- moe(y ~ x + (1 | school), data = d, K = 2, seed = 1, starts = 2)
  expect_equal(unname(predict(fe)), unname(fitted(fe)), tolerance = 1e-12)
  ce <- predict(fe, new)
  pe <- predict(fe, new, level = "population")
  mu <- predict(fe, new, type = "experts")[1, ]
  post <- attr(ranef(fe), "posterior")["s1", ]
  expect_equal(ce[[1]], sum(post * mu) + ranef(fe)["s1", 1], tolerance = 1e-10)
  expect_equal(ce[[2]], pe[[2]])
  expect_equal(unname(predict(fe, new, type = "gate")[1, ]), unname(post), tolerance = 1e-12)

  expect_error(predict(fit, data.frame(x = 0.1)), "need the group column 'school' in newdata")
  expect_equal(length(predict(fit, data.frame(x = 0.1), level = "population")), 1L)
  expect_error(predict(fit, data.frame(x = c(0.1, 0.2), school = c("s1", NA))),
               "'school' of newdata has a missing value \\(NA or empty\\) in row 2")
  expect_error(predict(fit, new, type = "posterior"), "should be one of")
})

test_that("with the variance fixed at zero the gate placement equals the plain fit", {
  d <- simulate_gate_groups(G = 30, seed = 2)
  control <- moe_control(tol = 1e-13)
  fit <- moe(y ~ x | x + (1 | school), data = d, K = 2, seed = 3, starts = 2, control = control,
             mixed = list(fix_zero = TRUE))
  plain <- moe(y ~ x | x, data = d, K = 2, seed = 3, starts = 2, control = control)
  expect_equal(as.numeric(logLik(fit)), as.numeric(logLik(plain)), tolerance = 1e-10)
})

test_that("both placements on one data set via the random argument", {
  d <- simulate_gate_groups(G = 30, seed = 4)
  fit <- moe(y ~ x + (1 | school), data = d, K = 2, seed = 1, starts = 2)
  expect_equal(fit$random$placement, "expert")
  expect_output(print(VarCorr(fit)), "Residual std. dev.")
  gate <- moe(y ~ x + (1 | school), data = d, K = 2, seed = 1, starts = 2, random = "gate")
  expect_equal(gate$random$placement, "gate")
})

test_that("bad grouping input gives clear errors", {
  d <- simulate_gate_groups(G = 10, seed = 5)
  one <- transform(d, school = "a")
  expect_error(moe(y ~ x | x + (1 | school), data = one, K = 2, starts = 1),
               "group column 'school' has a single group \\('a'\\)")
  na <- d
  na$school[7] <- NA
  expect_error(moe(y ~ x | x + (1 | school), data = na, K = 2, starts = 1),
               "'school' has a missing value \\(NA or empty\\) in row 7")
  empty <- d
  empty$school[3] <- ""
  expect_error(moe(y ~ x | x + (1 | school), data = empty, K = 2, starts = 1),
               "missing value \\(NA or empty\\) in row 3")
  single <- d
  single$school[1] <- "alone"
  expect_error(moe(y ~ x + (x | school) | 1, data = single, K = 2, starts = 1),
               "group 'alone' of column 'school' has a single row \\(row 1\\)")
  expect_error(moe(y ~ x | x + (1 | nosuch), data = d, K = 2, starts = 1),
               "'nosuch' is not a column")
  expect_error(moe(y ~ x | x, data = d, K = 2, random = "gate"), "needs a random-effect term")
  expect_error(moe(y ~ x | x + (x | school), data = single, K = 2, starts = 1),
               "group 'alone' of column 'school' has a single row \\(row 1\\): random slopes \\('x'\\)")
  constant <- transform(d, w = as.integer(factor(school)) %% 3)
  expect_error(moe(y ~ x | x + (w | school), data = constant, K = 2, starts = 1),
               "random slope 'w' is constant within every group of 'school'")
  expect_error(moe(y ~ x + (1 | school) | x, data = d, K = 2, starts = 1),
               "varies within group 's1' of 'school' \\(rows 1 and 2\\)")
  # Numeric group ids are named as written, not by their position among the groups.
  numeric <- transform(d, school = 100 + 7 * as.integer(factor(school)))
  numeric$school[4] <- 5
  expect_error(moe(y ~ x + (x | school) | 1, data = numeric, K = 2, starts = 1),
               "group '5' of column 'school' has a single row \\(row 4\\)")
})

test_that("random slopes in the gate: fit, VarCorr, standard errors and predictions", {
  set.seed(4)
  G <- 60
  m <- 12
  g <- rep(seq_len(G), each = m)
  b0 <- rnorm(G)[g]
  b1 <- rnorm(G)[g]
  x <- runif(G * m, -1, 1)
  k <- rbinom(G * m, 1, plogis(0.2 + 1.2 * x + b0 + b1 * x))
  d <- data.frame(y = ifelse(k == 1, 2 - x, -2 + x) + rnorm(G * m, sd = 0.5), x = x, school = g)
  fit <- moe(y ~ x | x + (1 + x | school), data = d, K = 2, seed = 1, starts = 1,
             mixed = list(quadrature = 5))
  expect_equal(fit$random$design_terms, c("(Intercept)", "x"))
  expect_equal(ncol(fit$random$ranef), 2L)
  v <- VarCorr(fit)
  expect_equal(dim(v$logit), c(4L, 4L))
  expect_output(print(v), "Comp.2:x")
  expect_output(print(v), "Correlation of")
  expect_true(all(is.finite(sqrt(diag(vcov(fit))))))
  expect_output(print(summary(fit)), "Std. Error")
  # Conditional predictions by hand: the gate at u = E[u | group], the slope's term times x.
  new <- data.frame(x = c(-0.5, 0.7), school = c(3, 999))
  u <- as.numeric(ranef(fit)["3", ])
  w <- fit$coefficients$gate
  eta <- sum(w[1:2, 2] * c(1, -0.5)) + sum(w[3:4, 2] * u) - 0.5 * sum(w[5:6, 2] * u)
  p2 <- plogis(eta)
  expect_equal(predict(fit, new, type = "gate")[1, 2], p2, tolerance = 1e-8)
  expect_equal(predict(fit, new, type = "gate")[2, 2], plogis(sum(w[1:2, 2] * c(1, 0.7))), tolerance = 1e-8)
  expect_equal(unname(predict(fit, new, type = "gate", level = "population")[1, 2]),
               plogis(sum(w[1:2, 2] * c(1, -0.5))), tolerance = 1e-8)
})

test_that("standard errors of mixed fits: zero variance equals the plain fit; K = 1 experts match nlme::lme", {
  d <- simulate_gate_groups(G = 40, m = 10, seed = 3)
  zero <- moe(y ~ x | x + (1 | school), data = d, K = 2, seed = 1, starts = 2,
              mixed = list(fix_zero = TRUE), control = moe_control(tol = 1e-12))
  plain <- moe(y ~ x | x, data = d, K = 2, seed = 1, starts = 2, control = moe_control(tol = 1e-12))
  expect_equal(as.numeric(logLik(zero)), as.numeric(logLik(plain)), tolerance = 1e-8)
  se_zero <- sqrt(diag(vcov(zero)))
  se_plain <- sqrt(diag(vcov(plain)))
  expect_equal(unname(se_zero), unname(se_plain), tolerance = 1e-3)

  skip_if_not_installed("nlme")
  set.seed(7)
  G <- 50
  g <- rep(seq_len(G), each = 6)
  x <- runif(G * 6)
  lmm <- data.frame(y = 1 + 2 * x + rnorm(G, sd = 0.8)[g] + rnorm(G * 6, sd = 0.5), x = x, id = g)
  fit <- moe(y ~ x + (1 | id) | 1, data = lmm, K = 1, seed = 1, starts = 1, control = moe_control(tol = 1e-12))
  ref <- nlme::lme(y ~ x, random = ~ 1 | id, data = lmm, method = "ML")
  expect_equal(as.numeric(logLik(fit)), as.numeric(logLik(ref)), tolerance = 1e-6)
  expect_equal(unname(fit$coefficients$experts[, 1]), unname(nlme::fixef(ref)), tolerance = 1e-5)
  # lme's fixed-effect covariance is (X'V^-1X)^-1 (expected information); the observed one differs
  # by the fixed/variance cross terms, which vanish in expectation: 2% on 50 groups of 6.
  se <- moest:::standard_error_matrices(fit)$experts[1:2, 1]
  expect_equal(unname(se), unname(sqrt(diag(vcov(ref)))), tolerance = 0.02)
  vse <- attr(VarCorr(fit), "se")
  expect_true(is.finite(vse$Comp.1[1, 1]))
})
