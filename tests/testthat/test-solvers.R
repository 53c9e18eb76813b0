test_that("direct maximum likelihood and EM reach the same optimum", {
  data <- simulate_truth(800, seed = 21)
  control <- function(solver) moe_control(solver = solver, tol = 1e-11, max_iter = 5000)
  em <- moe(y ~ x, data = data, K = 2, seed = 2, starts = 3, control = control("em"))
  mle <- moe(y ~ x, data = data, K = 2, seed = 2, starts = 3, control = control("mle"))
  both <- moe(y ~ x, data = data, K = 2, seed = 2, starts = 3, control = control("em+mle"))
  expect_equal(mle$logLik, em$logLik, tolerance = 1e-6)
  expect_equal(both$logLik, em$logLik, tolerance = 1e-6)
  expect_equal(mle$solver, "mle")
  expect_equal(both$solver, "em+mle")
  expect_lt(mle$gradient_norm, 1e-4)
  expect_error(moe_control(solver = "newton"), "should be one of")
})

test_that("standard errors give vcov and a Wald table, close to flexmix's refit()", {
  data <- simulate_truth(1000, seed = 5)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 3)
  v <- vcov(fit)
  expect_equal(dim(v), rep(length(coef(fit)), 2))
  expect_equal(rownames(v), names(coef(fit)))
  expect_true(isSymmetric(v, tol = 1e-8))
  s <- summary(fit)
  expect_equal(colnames(s$experts$Comp.1), c("Estimate", "Std. Error", "z value", "Pr(>|z|)"))
  expect_true(all(is.finite(s$experts$Comp.1[, "Std. Error"])))
  expect_true(is.na(s$experts$Comp.1["sigma", "z value"]))
  expect_output(print(s), "Std. Error")
  skip_if_not_installed("flexmix")
  # flexmix's refit() standard errors of the gate and of the expert coefficients agree with moe's to
  # about 10% (flexmix_refit_se() in helper-moest.R says why not closer).
  flex <- flexmix_refit_se(fit, data)
  ours <- moest:::standard_error_matrices(fit)
  expect_equal(unname(ours$experts[1:2, ]), flex$experts, tolerance = 0.1)
  expect_equal(unname(ours$gate[, 2]), flex$gate, tolerance = 0.1)
})

test_that("a singular fit says why it has no standard errors", {
  set.seed(3)
  data <- data.frame(x = stats::runif(300), y = stats::rnorm(300))
  fit <- moe(y ~ x, data = data, K = 3, seed = 1, starts = 2)
  if (!isTRUE(fit$standard_errors$positive_definite)) {
    expect_error(vcov(fit), "positive definite|non-finite")
    expect_output(print(summary(fit)), "Standard errors: none")
  }
  expect_true(isTRUE(fit$diagnostics$rate_near_one))
  expect_output(print(summary(fit)), "Warning: EM's linear rate is near 1")
})

test_that("diagnostics are reported and plotted, and the Aitken rule stops EM", {
  data <- simulate_truth(1000, seed = 8)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2, control = moe_control(tol = 1e-12))
  d <- fit$diagnostics
  expect_lt(abs(d$parameter_rate - d$missing_information_rate), 0.05)
  expect_false(d$rate_near_one)
  expect_equal(d$decreases, 0L)
  aitken <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2,
                control = moe_control(tol = 1e-10, stopping = "aitken"))
  expect_match(aitken$message, "Aitken")
  expect_equal(aitken$logLik, fit$logLik, tolerance = 1e-7)
  path <- tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  on.exit(unlink(path))
  expect_silent(plot(fit, which = 4))
  grDevices::dev.off()
  back <- read_moe(write_moe(fit, tempfile(fileext = ".json")))
  expect_equal(vcov(back), vcov(fit))
  expect_equal(back$diagnostics$missing_information_rate, d$missing_information_rate)
})
