# Expert families beyond the Gaussian, reached through expert = "<family>(<options>)".

test_that("t experts fit, estimate nu per expert, and round-trip through a model file", {
  set.seed(3)
  n <- 600
  x <- runif(n)
  comp <- rbinom(n, 1, 0.5)
  y <- ifelse(comp == 1, 1 + 2 * x, -1 - x) + 0.2 * rt(n, df = 4)
  data <- data.frame(x = x, y = y)
  fit <- moe(y ~ x | 1, data = data, K = 2, expert = "t", seed = 1, starts = 2)
  expect_true(all(c("sigma", "nu") %in% names(fit$coefficients)))
  expect_true(all(fit$coefficients$nu > 0))
  expect_false(any(fit$trace$decrease))
  fixed <- moe(y ~ x | 1, data = data, K = 2, expert = "t(nu = 4)", seed = 1, starts = 2)
  expect_equal(unname(fixed$coefficients$nu), c(4, 4))
  expect_equal(attr(logLik(fixed), "df"), attr(logLik(fit), "df") - 2)
})

test_that("poisson experts fit counts and reject negative or fractional counts by row", {
  set.seed(4)
  n <- 600
  x <- runif(n, -1, 1)
  comp <- rbinom(n, 1, 0.5)
  y <- rpois(n, exp(ifelse(comp == 1, 0.5 + 1.5 * x, 2.5 - x)))
  data <- data.frame(x = x, y = y)
  fit <- moe(y ~ x | 1, data = data, K = 2, expert = "poisson", seed = 1, starts = 2)
  expect_false(any(fit$trace$decrease))
  expect_true(all(fitted(fit) > 0))
  bad <- data
  bad$y[5] <- -1
  expect_error(moe(y ~ x, data = bad, K = 2, expert = "poisson"), "row 5 has -1")
  bad$y[5] <- 1.5
  expect_error(moe(y ~ x, data = bad, K = 2, expert = "poisson"), "must be a count")
})

test_that("mixtools' poisregmixEM does not beat moe's constant-gate Poisson fit", {
  skip_if_not_installed("mixtools")
  set.seed(5)
  n <- 800
  x <- runif(n, -1, 1)
  comp <- rbinom(n, 1, 0.4)
  y <- rpois(n, exp(ifelse(comp == 1, 0.5 + 1.5 * x, 2.0 - x)))
  fit <- moe(y ~ x | 1, data = data.frame(x = x, y = y), K = 2, expert = "poisson", seed = 1,
             starts = 5)
  utils::capture.output(oracle <- suppressMessages(
    mixtools::poisregmixEM(y, x, k = 2, beta = cbind(c(0.5, 1.5), c(2.0, -1.0)))))
  expect_gte(as.numeric(logLik(fit)), oracle$loglik - 1e-6 * abs(oracle$loglik))
})
