# Multinomial-logistic experts from R: a factor response, class predictions, and the oracles
# (flexmix's FLXMRmultinom with a multinomial concomitant, mixtools' logisregmixEM).

# Two components with a logistic gate in x; within each, a 3-class multinomial logit in x.
simulate_classes <- function(n, seed) {
  set.seed(seed)
  x <- runif(n, -2, 2)
  second <- runif(n) < plogis(-0.5 + 2.5 * x)
  eta <- list(cbind(c(1.5, 2.5), c(-1, 2)), cbind(c(1, -2.5), c(2, -1)))
  y <- integer(n)
  for (i in seq_len(n)) {
    logits <- c(0, c(1, x[i]) %*% eta[[second[i] + 1L]])
    y[i] <- sample.int(3L, 1L, prob = exp(logits - max(logits)))
  }
  data.frame(x = x, y = factor(c("low", "mid", "high")[y], levels = c("low", "mid", "high")))
}

test_that("a factor response fits, names its classes, and predicts probabilities and classes", {
  data <- simulate_classes(3000, seed = 1)
  fit <- moe(y ~ x, data = data, K = 2, expert = "multinomial", seed = 1, starts = 3,
             control = moe_control(label_order = "gate"))
  expect_equal(fit$class_labels, c("low", "mid", "high"))
  expect_match(fit$expert, "classes = 3")
  expect_false(any(fit$trace$decrease))
  expect_equal(rownames(fit$coefficients$experts),
               c("mid:(Intercept)", "mid:x", "high:(Intercept)", "high:x"))
  # Recovery: the true log-odds coefficients, component 2 the one the gate favours at large x.
  truth <- cbind(Comp.1 = c(1.5, 2.5, -1, 2), Comp.2 = c(1, -2.5, 2, -1))
  se <- matrix(sqrt(diag(vcov(fit)))[grep("^Comp", names(diag(vcov(fit))))], 4)
  expect_true(all(abs(fit$coefficients$experts - truth) < 5 * se + 0.05))
  p <- fitted(fit)
  expect_equal(dim(p), c(3000L, 3L))
  expect_equal(colnames(p), fit$class_labels)
  expect_equal(unname(rowSums(p)), rep(1, 3000), tolerance = 1e-12)
  expect_equal(predict(fit, type = "probabilities"), p)
  new <- data.frame(x = c(-1.5, 0, 1.5))
  classes <- predict(fit, new, type = "class")
  expect_s3_class(classes, "factor")
  expect_equal(levels(classes), fit$class_labels)
  expect_equal(as.character(classes),
               fit$class_labels[max.col(predict(fit, new, type = "probabilities"))])
  expect_equal(dim(residuals(fit)), c(3000L, 3L))
  sims <- simulate(fit, nsim = 2, seed = 3)
  expect_s3_class(sims$sim_1, "factor")
  expect_equal(levels(sims$sim_1), fit$class_labels)
})

test_that("the class labels survive a model file, and the posterior maps classes by name", {
  data <- simulate_classes(600, seed = 2)
  fit <- moe(y ~ x, data = data, K = 2, expert = "multinomial", seed = 1, starts = 2)
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
  start <- ifelse(data$x > 0, 2L, 1L)
  fit <- moe(y ~ x, data = data, K = 2, expert = "multinomial", seed = 1, starts = 5,
             cluster = start)
  oracle <- flexmix::flexmix(y ~ x, data = data, k = 2, cluster = start,
                             model = flexmix::FLXMRmultinom(),
                             concomitant = flexmix::FLXPmultinom(~ x),
                             control = list(tolerance = 1e-10, iter.max = 2000))
  expect_gte(as.numeric(logLik(fit)), as.numeric(logLik(oracle)) - 1e-6 * abs(as.numeric(logLik(oracle))))
  expect_equal(attr(logLik(fit), "df"), attr(logLik(oracle), "df"))
})

test_that("mixtools' logisregmixEM does not beat moe's constant-gate logistic fit", {
  skip_if_not_installed("mixtools")
  set.seed(6)
  n <- 1500
  x <- runif(n, -2, 2)
  second <- runif(n) < 0.4
  y <- as.integer(runif(n) < plogis(ifelse(second, 1 - 3 * x, -1 + 2 * x)))
  data <- data.frame(x = x, y = y)
  fit <- moe(y ~ x | 1, data = data, K = 2, expert = "multinomial", seed = 1, starts = 5)
  utils::capture.output(oracle <- suppressMessages(
    mixtools::logisregmixEM(y, x, k = 2, beta = cbind(c(-1, 2), c(1, -3)), lambda = c(0.6, 0.4))))
  expect_gte(as.numeric(logLik(fit)), oracle$loglik - 1e-6 * abs(oracle$loglik))
  # The same optimum: the slopes agree once both are sorted.
  expect_equal(sort(fit$coefficients$experts["1:x", ]), sort(oracle$beta[2, ]), tolerance = 0.02)
})
