test_that("sandwich standard errors: vcov is symmetric positive definite, both types available", {
  data <- simulate_truth(1000, seed = 5)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2,
             control = moe_control(se = "sandwich"))
  v <- vcov(fit)
  expect_equal(dim(v), rep(length(coef(fit)), 2))
  expect_equal(rownames(v), names(coef(fit)))
  expect_true(isSymmetric(v, tol = 1e-8))
  expect_gt(min(eigen(v, symmetric = TRUE, only.values = TRUE)$values), 0)
  expect_identical(vcov(fit, type = "sandwich"), v)
  observed <- vcov(fit, type = "observed")
  expect_true(isSymmetric(observed, tol = 1e-8))
  # A correctly specified model: the two agree (to 15% in the standard errors).
  ratio <- sqrt(diag(v) / diag(observed))
  expect_true(all(ratio > 0.85 & ratio < 1.15), info = paste(round(ratio, 3), collapse = " "))
  expect_output(print(summary(fit)), "sandwich")
  # The file keeps both.
  path <- temp_json()
  write_moe(fit, path)
  back <- read_moe(path)
  expect_equal(vcov(back, type = "observed"), observed, tolerance = 1e-12)
  expect_equal(back$standard_errors$method, "sandwich")
})

test_that("an observed-only fit refuses the sandwich type with advice; bad values are errors", {
  data <- simulate_truth(400, seed = 6)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 1)
  expect_equal(fit$standard_errors$method, "observed")
  expect_identical(vcov(fit, type = "observed"), vcov(fit))
  expect_error(vcov(fit, type = "sandwich"), "moe_control\\(se = \"sandwich\"\\)")
  expect_error(vcov(fit, type = "robust"), "'type' must be")
  expect_error(moe_control(se = "robust"), "'se' must be one of \"observed\", \"sandwich\"")
})

test_that("a sandwich fit's observed covariance is the plain fit's; both are close to flexmix's refit()", {
  data <- simulate_truth(1000, seed = 5)
  plain <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 3)
  sandwich <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 3,
                  control = moe_control(se = "sandwich"))
  expect_equal(coef(sandwich), coef(plain))
  expect_equal(vcov(sandwich, type = "observed"), vcov(plain), tolerance = 1e-10)
  skip_if_not_installed("flexmix")
  # refit() gives observed-information errors; on this correctly specified model the sandwich
  # errors are close to them too (flexmix's optimum differs a little: see flexmix_refit_se()).
  flex <- flexmix_refit_se(plain, data)
  for (fit in list(plain, sandwich)) {
    ours <- moest:::standard_error_matrices(fit)
    expect_equal(unname(ours$experts[1:2, ]), flex$experts, tolerance = 0.1)
    expect_equal(unname(ours$gate[, 2]), flex$gate, tolerance = 0.15)
  }
})

# Each component's noise sd scaled by 2|x|, which the Gaussian experts do not model: the sandwich and
# observed errors of the expert slopes part (a well specified fit above keeps them within 15%).
test_that("under heteroscedastic noise the sandwich errors of the slopes differ from the observed", {
  data <- simulate_truth(2000, seed = 7)
  line <- truth$experts[1, data$component] + truth$experts[2, data$component] * data$x
  data$y <- line + 2 * abs(data$x) * (data$y - line)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, cluster = data$component, starts = 1,
             control = moe_control(se = "sandwich"))
  ratio <- sqrt(diag(vcov(fit)) / diag(vcov(fit, type = "observed")))
  # The slopes' sandwich errors are about 1.7 times the observed ones here (1.0 +- 0.15 when correct).
  slopes <- ratio[c("expert:Comp.1:x", "expert:Comp.2:x")]
  expect_true(all(slopes > 1.3), info = paste(round(slopes, 3), collapse = " "))
  expect_output(print(summary(fit)), "sandwich estimator")
})

test_that("sandwich errors are refused for a mixed-effects fit", {
  d <- small_grouped_data()
  expect_error(moe(y ~ x | x + (1 | school), data = d, K = 2, seed = 1, starts = 1,
                   control = moe_control(se = "sandwich")),
               "sandwich standard errors are not available for a mixed-effects fit")
})

test_that("se = \"none\" gives the same fit without standard errors or missing information", {
  data <- simulate_truth(1000, seed = 7)
  full <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2)
  bare <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2, control = moe_control(se = "none"))
  expect_identical(coef(bare), coef(full))
  expect_identical(as.numeric(logLik(bare)), as.numeric(logLik(full)))
  expect_error(vcov(bare), "se = none was asked for")
  expect_output(print(summary(bare)), "Standard errors: none \\(se = none was asked for\\)")
  expect_true(is.na(bare$diagnostics$missing_information_rate))
  expect_gt(full$diagnostics$missing_information_rate, 0)
  expect_error(moe_control(se = "robust"), "\"observed\", \"sandwich\", \"none\"")
})
