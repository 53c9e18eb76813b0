test_that("a simulated K = 2 model is recovered", {
  data <- simulate_truth(2000, seed = 11)
  fit <- moe(y ~ x, data = data, K = 2, seed = 3)
  expect_equal(fit$status, "converged")
  got <- sorted_parameters(fit)
  want <- reorder_components(truth$gate, truth$experts, truth$sigma, 1:2)
  # Tolerances from n = 2000 (about 1000 rows per component): expert coefficient standard errors are
  # about 0.01-0.03 and sigma's about 0.01, so 0.15 and 0.06 are more than five standard errors; the
  # gate's logistic coefficients have standard errors near 0.1 (inflated by the overlap of the two
  # experts near x = -2/3), so 0.5 allows for more than four.
  expect_close(got$experts, want$experts, 0.15)
  expect_close(got$sigma, want$sigma, 0.06)
  expect_close(got$gate, want$gate, 0.5)
  # The maximum likelihood estimate must do at least as well as the true parameters.
  at_truth <- moest:::moe_with_parameters(fit, truth$gate, truth$experts, truth$sigma)
  expect_gte(fit$logLik, sum(log(predict(at_truth, type = "density"))))
  # Most rows are assigned to the component that generated them.
  slope_order <- order(fit$coefficients$experts[2, ], decreasing = TRUE)
  assigned <- match(max.col(fit$posterior), slope_order)
  expect_gt(mean(assigned == data$component), 0.85)
})

test_that("the EM trace never decreases and matches the reported fit", {
  fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1)
  trace <- fit$trace
  expect_s3_class(trace, "data.frame")
  expect_named(trace, c("iteration", "loglik", "rel_change", "seconds", "decrease"))
  expect_equal(trace$iteration, seq_len(nrow(trace)))
  expect_false(any(trace$decrease))
  expect_true(all(diff(trace$loglik) >= -1e-9 * abs(trace$loglik[-1])))
  expect_equal(nrow(trace), fit$iterations)
  expect_equal(trace$loglik[nrow(trace)], fit$logLik)
  expect_length(fit$start_loglik, 10)
  expect_equal(max(fit$start_loglik), fit$logLik)
  expect_gte(fit$starts_reaching_best, 1)
})

test_that("the same seed gives the identical fit, and set.seed decides it when seed = NULL", {
  f1 <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 7, starts = 4)
  f2 <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 7, starts = 4)
  expect_identical(coef(f1), coef(f2))
  expect_identical(f1$start_loglik, f2$start_loglik)
  expect_identical(f1$seed, 7)

  set.seed(99)
  g1 <- moe(tuned ~ stretchratio, data = tonedata, K = 2, starts = 4)
  set.seed(99)
  g2 <- moe(tuned ~ stretchratio, data = tonedata, K = 2, starts = 4)
  expect_identical(g1$seed, g2$seed)
  expect_identical(coef(g1), coef(g2))
  set.seed(100)
  g3 <- moe(tuned ~ stretchratio, data = tonedata, K = 2, starts = 4)
  expect_false(identical(g1$seed, g3$seed))
  # The drawn seed reproduces the fit when given explicitly.
  expect_identical(coef(moe(tuned ~ stretchratio, data = tonedata, K = 2, starts = 4,
                            seed = g1$seed)), coef(g1))
})

test_that("two-part formulas build separate expert and gate designs", {
  data <- simulate_truth(300, seed = 5)
  data$g <- factor(rep(c("a", "b", "c"), length.out = 300))
  fit <- moe(y ~ x | g, data = data, K = 2, seed = 1, starts = 3)
  expect_equal(rownames(fit$coefficients$experts), c("(Intercept)", "x"))
  expect_equal(rownames(fit$coefficients$gate), c("(Intercept)", "gb", "gc"))
  expect_equal(fit$df, 3 * 1 + 2 * 3)

  constant_gate <- moe(y ~ x | 1, data = data, K = 2, seed = 1, starts = 3)
  expect_equal(dim(constant_gate$coefficients$gate), c(1L, 2L))
  expect_equal(rownames(constant_gate$coefficients$gate), "(Intercept)")
  gate <- predict(constant_gate, type = "gate")
  expect_equal(unname(gate[1, ]), unname(gate[300, ]))

  same <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 3)
  expect_equal(rownames(same$coefficients$gate), c("(Intercept)", "x"))
  # Naming the expert terms again for the gate is the one-part formula (one shared design).
  twice <- moe(y ~ x | x, data = data, K = 2, seed = 1, starts = 3)
  expect_identical(coef(twice), coef(same))
  expect_identical(twice$x$gate, twice$x$expert)
  # Other terms, or the same without an intercept, are a design of their own.
  no_intercept <- moe(y ~ x | x - 1, data = data, K = 2, seed = 1, starts = 3)
  expect_equal(rownames(no_intercept$coefficients$gate), "x")
  transformed <- moe(y ~ x | I(x^2), data = data, K = 2, seed = 1, starts = 3)
  expect_equal(rownames(transformed$coefficients$gate), c("(Intercept)", "I(x^2)"))
})

test_that("poly() terms predict safely on new data and K = 1 is a regression", {
  fit <- moe(accel ~ poly(times, 3), data = mcycle, K = 2, seed = 2, starts = 3)
  expect_equal(unname(predict(fit, mcycle[10:20, ])), unname(fitted(fit)[10:20]))
  one <- moe(accel ~ times, data = mcycle, K = 1, seed = 1, starts = 1)
  ols <- stats::lm(accel ~ times, data = mcycle)
  expect_equal(unname(one$coefficients$experts[, 1]), unname(coef(ols)), tolerance = 1e-8)
  expect_equal(one$logLik, as.numeric(logLik(ols)), tolerance = 1e-8)
})

test_that("missing values follow na.action and cluster labels are subset to match", {
  data <- simulate_truth(200, seed = 8)
  data$y[c(3, 50)] <- NA
  cl <- ifelse(data$component == 1L, 1L, 2L)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 1, cluster = cl)
  expect_equal(nobs(fit), 198)
  expect_equal(as.vector(fit$na.action), c(3, 50))
  expect_length(fitted(fit), 198)
  excluded <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 1, cluster = cl,
                  na.action = stats::na.exclude)
  expect_length(fitted(excluded), 200)
  expect_true(all(is.na(residuals(excluded)[c(3, 50)])))
  expect_error(moe(y ~ x, data = data, K = 2, na.action = stats::na.fail), "missing values")
})

test_that("verbose control prints progress per start", {
  expect_output(moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 2,
                    control = moe_control(verbose = TRUE)),
                "starts 2/2 done")
  expect_silent(moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 2))
})

test_that("control settings reach the core", {
  capped <- suppressWarnings(moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1,
                                 starts = 1, control = moe_control(max_iter = 3)))
  expect_equal(capped$status, "max_iterations")
  expect_equal(capped$iterations, 3L)
  expect_warning(moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 1,
                     control = list(max_iter = 3)), "max_iterations")
  kmeans <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 2,
                control = moe_control(start = "kmeans", tol = 1e-10))
  expect_equal(kmeans$status, "converged")
  expect_error(moe_control(tol = 0), "'tol' must be a positive number")
  expect_error(moe_control(start = "best"), "should be one of")
  expect_error(moe_control(gate_steps = -1), "'gate_steps' must be a whole number of at least 0")
  expect_error(moe_control(gate_steps = 1.5), "'gate_steps' must be a whole number")
})

test_that("one gate Newton step per EM iteration reaches the solved M-steps' maximum", {
  # The same start partition: a generalised EM (the default) and exact M-steps end at one maximum.
  set.seed(11)
  cl <- sample(1:2, nrow(tonedata), replace = TRUE)
  fits <- lapply(c(1, 0), function(steps) {
    moe(tuned ~ stretchratio, data = tonedata, K = 2, cluster = cl, starts = 1,
        control = moe_control(gate_steps = steps, tol = 1e-12, se = "none", label_order = "expert"))
  })
  expect_equal(fits[[1]]$logLik, fits[[2]]$logLik, tolerance = 1e-10)
  expect_equal(coef(fits[[1]]), coef(fits[[2]]), tolerance = 1e-5)
  expect_true(all(diff(fits[[1]]$trace$loglik) >= -1e-9))
  expect_equal(fits[[1]]$gate_cap_hits, 0L)
  expect_false(identical(fits[[1]]$trace$loglik[3], fits[[2]]$trace$loglik[3]))  # two paths
})
