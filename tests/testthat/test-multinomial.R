# Multinomial-logistic experts from R: a factor response, class predictions, and the oracles
# (flexmix's FLXMRmultinom with a multinomial concomitant, mixtools' logisregmixEM).

# Two components with a logistic gate in z; within each, a 3-class multinomial logit in x.
simulate_classes <- function(n, seed) {
  set.seed(seed)
  x <- runif(n, -2, 2)
  z <- runif(n, -2, 2)
  second <- runif(n) < plogis(-0.5 + 3 * z)
  eta <- list(cbind(c(1, 3), c(-1, 4)), cbind(c(1, -3), c(2, -2)))
  y <- integer(n)
  for (i in seq_len(n)) {
    logits <- c(0, c(1, x[i]) %*% eta[[second[i] + 1L]])
    y[i] <- sample.int(3L, 1L, prob = exp(logits - max(logits)))
  }
  data.frame(x = x, z = z, y = factor(c("low", "mid", "high")[y], levels = c("low", "mid", "high")))
}

test_that("a factor response fits, names its classes, and predicts probabilities and classes", {
  data <- simulate_classes(4000, seed = 1)
  fit <- moe(y ~ x | z, data = data, K = 2, expert = "multinomial", seed = 1, starts = 3,
             control = moe_control(label_order = "gate"))
  expect_equal(fit$class_labels, c("low", "mid", "high"))
  expect_match(fit$expert, "classes = 3")
  expect_false(any(fit$trace$decrease))
  expect_equal(rownames(fit$coefficients$experts),
               c("mid:(Intercept)", "mid:x", "high:(Intercept)", "high:x"))
  # Recovery: the true log-odds coefficients, component 2 the one the gate favours at large x.
  truth <- cbind(c(1, 3, -1, 4), c(1, -3, 2, -2))
  # Match the components by the sign of the mid-class slope (the gate order may put either first).
  if (fit$coefficients$experts["mid:x", 1L] < 0) truth <- truth[, 2:1]
  colnames(truth) <- c("Comp.1", "Comp.2")
  v <- sqrt(diag(vcov(fit)))
  se <- matrix(v[paste0("expert:", rep(colnames(truth), each = 4), ":",
                        rownames(fit$coefficients$experts))], 4)
  expect_false(anyNA(se))
  expect_true(all(abs(fit$coefficients$experts - truth) < 5 * se + 0.05))
  p <- fitted(fit)
  expect_equal(dim(p), c(4000L, 3L))
  expect_equal(colnames(p), fit$class_labels)
  expect_equal(unname(rowSums(p)), rep(1, 4000), tolerance = 1e-12)
  expect_equal(predict(fit, type = "probabilities"), p)
  new <- data.frame(x = c(-1.5, 0, 1.5), z = c(1, 0, -1))
  classes <- predict(fit, new, type = "class")
  expect_s3_class(classes, "factor")
  expect_equal(levels(classes), fit$class_labels)
  expect_equal(as.character(classes),
               fit$class_labels[max.col(predict(fit, new, type = "probabilities"))])
  expect_equal(dim(residuals(fit)), c(4000L, 3L))
  sims <- simulate(fit, nsim = 2, seed = 3)
  expect_s3_class(sims$sim_1, "factor")
  expect_equal(levels(sims$sim_1), fit$class_labels)
})

test_that("the class labels survive a model file, and the posterior maps classes by name", {
  data <- simulate_classes(600, seed = 2)
  fit <- moe(y ~ x | z, data = data, K = 2, expert = "multinomial", seed = 1, starts = 2)
  path <- tempfile(fileext = ".json")
  write_moe(fit, path)
  back <- read_moe(path)
  unlink(path)
  expect_equal(back$class_labels, fit$class_labels)
  expect_equal(predict(back, data, type = "probabilities"), fitted(fit), tolerance = 1e-12)
  expect_equal(predict(back, data, type = "posterior"), predict(fit, data, type = "posterior"),
               tolerance = 1e-12)
  unseen <- data[1:3, ]
  unseen$y <- factor(c("low", "none", "mid"))
  expect_error(predict(fit, unseen, type = "posterior"), "row 2 of 'y' has the class 'none'")
})

test_that("bad categorical responses and class options are clear errors", {
  data <- simulate_classes(200, seed = 3)
  one <- data
  one$y <- factor("low")
  expect_error(moe(y ~ x, data = one, K = 2, expert = "multinomial"), "only one class")
  fractional <- data.frame(x = data$x, y = rep(c(0, 1, 1.5, 2), 50))
  expect_error(moe(y ~ x, data = fractional, K = 2, expert = "multinomial"), "row 3 is 1.5")
  expect_error(moe(y ~ x, data = data, K = 2, expert = "multinomial(classes = 4)"),
               "asks for 4 classes but the response 'y' has 3")
  expect_error(moe(y ~ x, data = data, K = 2), "numeric vector")
  expect_error(predict(moe(y ~ x, data = simulate_truth(200, seed = 4), K = 2, seed = 1, starts = 1),
                       type = "class"), "needs multinomial experts")
})

test_that("flexmix's FLXMRmultinom with a multinomial concomitant does not beat moe", {
  skip_if_not_installed("flexmix")
  data <- simulate_classes(1500, seed = 5)
  start <- ifelse(data$z > 0, 2L, 1L)
  fit <- moe(y ~ x | z, data = data, K = 2, expert = "multinomial", seed = 1, starts = 5,
             cluster = start)
  oracle <- flexmix::flexmix(y ~ x, data = data, k = 2, cluster = start,
                             model = flexmix::FLXMRmultinom(),
                             concomitant = flexmix::FLXPmultinom(~ z),
                             control = list(tolerance = 1e-10, iter.max = 2000))
  oracle_loglik <- oracle@logLik
  expect_gte(as.numeric(logLik(fit)), oracle_loglik - 1e-6 * abs(oracle_loglik))
  expect_equal(attr(logLik(fit), "df"), oracle@df)
})

test_that("mixtools' logisregmixEM does not beat moe's constant-gate logistic fit", {
  skip_if_not_installed("mixtools")
  set.seed(6)
  n <- 1500
  x <- runif(n, -2, 2)
  second <- runif(n) < 0.4
  y <- as.integer(runif(n) < plogis(ifelse(second, 1 - 3 * x, -1 + 2 * x)))
  data <- data.frame(x = x, y = y)
  # A binary mixture of logistic regressions is weakly identified: here both programs run one
  # component's slope out to about -300 (a near step), slowly, hence the higher iteration cap.
  fit <- moe(y ~ x | 1, data = data, K = 2, expert = "multinomial", seed = 1, starts = 5,
             control = moe_control(max_iter = 5000))
  utils::capture.output(oracle <- suppressWarnings(suppressMessages(
    mixtools::logisregmixEM(y, x, k = 2, beta = cbind(c(-1, 2), c(1, -3)), lambda = c(0.6, 0.4)))))
  expect_gte(as.numeric(logLik(fit)), oracle$loglik - 1e-6 * abs(oracle$loglik))
  expect_equal(unname(sort(fit$coefficients$experts["1:x", ])), unname(sort(oracle$beta[2, ])),
               tolerance = 0.02)
})
