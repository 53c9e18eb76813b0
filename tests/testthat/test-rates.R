test_that("moe_rates runs a small study and returns rows, slopes and a plot", {
  r <- moe_rates("softmax-exact", sizes = c(200, 400, 800), replicates = 2, threads = 1)
  expect_s3_class(r, "moe_rates")
  expect_equal(nrow(r), 6)
  expect_true(all(c("D1", "D2", "weight", "gate_slope", "expert_intercept") %in% names(r)))
  expect_true(all(r$D1 > 0))
  s <- summary(r)
  expect_true(all(c("slope", "lower", "upper", "theory") %in% names(s$slopes)))
  expect_equal(s$slopes$theory[s$slopes$loss == "D1"][1], -0.5)
  expect_output(print(s), "softmax-exact")
  s0 <- summary(r, n0 = 300)
  expect_true(all(is.na(s0$slopes$slope)))  # two sizes are too few for a slope with an interval
  skip_if_not_installed("ggplot2")
  expect_s3_class(plot(r, losses = c("D1", "expert_slope")), "ggplot")
})

test_that("moe_rates gives the same rows for one and two threads", {
  a <- moe_rates("softmax-exact", sizes = c(200, 300), replicates = 2, threads = 1, seed = 7)
  b <- moe_rates("softmax-exact", sizes = c(200, 300), replicates = 2, threads = 2, seed = 7)
  expect_identical(as.data.frame(a), as.data.frame(b))
})

test_that("moe_rates reports bad input clearly", {
  expect_error(moe_rates(), "either 'preset' or 'truth'")
  expect_error(moe_rates("nope"), "unknown rates preset 'nope'")
  expect_error(moe_rates("softmax-exact", sizes = c(100, -3)), "'sizes' must be positive")
  expect_error(moe_rates("softmax-exact", K = 1, sizes = c(200, 300), replicates = 1), "below the true K")
  expect_error(moe_rates("softmax-exact", resume = TRUE), "needs the study 'file'")
  expect_true("gaussian-gate-type1-d1" %in% moe_rates_presets()$preset)
})

test_that("a fitted model can be the truth", {
  set.seed(1)
  x <- runif(300)
  y <- ifelse(runif(300) < 0.5, 1 + 2 * x, -1 - 2 * x) + rnorm(300, sd = 0.3)
  fit <- moe(y ~ x, data = data.frame(x = x, y = y), K = 2, seed = 1)
  r <- moe_rates(truth = fit, sizes = c(300, 600, 1200), replicates = 1, threads = 1, covariates = "uniform")
  expect_equal(nrow(r), 3)
  expect_true(all(is.finite(r$D1)))
})
