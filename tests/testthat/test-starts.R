test_that("threads change nothing but the time", {
  data <- simulate_truth(600, seed = 31)
  one <- moe(y ~ x, data = data, K = 2, seed = 4, starts = 4, control = moe_control(threads = 1))
  two <- moe(y ~ x, data = data, K = 2, seed = 4, starts = 4, control = moe_control(threads = 2))
  expect_identical(coef(one), coef(two))
  expect_identical(one$logLik, two$logLik)
  expect_identical(one$trace$loglik, two$trace$loglik)
  expect_identical(one$start_loglik, two$start_loglik)
  expect_error(moe_control(threads = -1), "'threads'")
})

test_that("a fit starts from given parameters, and one step is one E and one M step", {
  data <- simulate_truth(600, seed = 32)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 3)
  poor <- moe_with_parameters(fit, gate = fit$coefficients$gate * 0.5,
                              experts = fit$coefficients$experts * 0.8, sigma = fit$coefficients$sigma * 1.5)
  step <- moe(y ~ x, data = data, K = 2, start = poor, control = moe_control(one_step = TRUE))
  expect_equal(step$iterations, 1L)
  expect_equal(nrow(step$trace), 1L)
  expect_match(step$message, "one-step")
  expect_lt(step$logLik, fit$logLik)
  again <- moe(y ~ x, data = data, K = 2, start = step, control = moe_control(one_step = TRUE))
  expect_gte(again$logLik, step$logLik)  # EM never goes down
  full <- moe(y ~ x, data = data, K = 2, start = poor, starts = 1)
  expect_equal(full$logLik, fit$logLik, tolerance = 1e-6)
  path <- tempfile(fileext = ".json")
  on.exit(unlink(path))
  write_moe(poor, path)
  from_file <- moe(y ~ x, data = data, K = 2, start = path, control = moe_control(one_step = TRUE))
  expect_identical(coef(from_file), coef(step))
})

test_that("start parameters of another model are refused with a clear error", {
  data <- simulate_truth(300, seed = 33)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2)
  expect_error(moe(y ~ x, data = data, K = 3, start = fit), "K = 2")
  expect_error(moe(y ~ 1 | x, data = data, K = 2, start = fit), "expert terms")
  expect_error(moe(y ~ x, data = data, K = 2, start = fit, gate = "laplace"), "laplace")
  expect_error(moe(y ~ x, data = data, K = 2, start = 3), "'start' must be")
  expect_error(moe(y ~ x, data = data, K = 2, start = "no-such-file.json"), "does not exist")
  expect_error(moe(y ~ x, data = data, K = 2, control = moe_control(one_step = TRUE)),
               "one-step mode needs start parameters")
})

test_that("fixed blocks keep their values and the rest is fitted", {
  data <- simulate_truth(800, seed = 34)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 2)
  start <- moe_with_parameters(fit, gate = fit$coefficients$gate * 0.7,
                               experts = fit$coefficients$experts * 0.9, sigma = c(0.4, 0.4))
  held <- moe(y ~ x, data = data, K = 2, start = start, starts = 1, fix = c("gate", "expert2.sigma"))
  expect_identical(held$coefficients$gate, start$coefficients$gate)
  expect_identical(unname(held$coefficients$sigma[2]), 0.4)
  expect_false(isTRUE(all.equal(held$coefficients$experts, start$coefficients$experts)))
  expect_false(any(held$trace$decrease))
  expect_equal(held$df, fit$df - 3)
  expect_error(moe(y ~ x, data = data, K = 2, fix = "gate"), "give 'start' too")
  expect_error(moe(y ~ x, data = data, K = 2, start = start, fix = "expert3"), "experts 1 to 2")
  expect_error(moe(y ~ x, data = data, K = 2, start = start, fix = "expert1.nu"), "no block 'nu'")
  expect_error(moe(y ~ x, data = data, K = 2, start = start, fix = c("gate", "expert1", "expert2")),
               "every parameter is fixed")
})

test_that("short-EM starts are reproducible and reach the optimum", {
  data <- simulate_truth(500, seed = 35)
  usual <- moe(y ~ x, data = data, K = 2, seed = 2, starts = 4)
  short <- moe(y ~ x, data = data, K = 2, seed = 2, starts = 2,
               control = moe_control(start = "short-em", short_em_runs = 5))
  again <- moe(y ~ x, data = data, K = 2, seed = 2, starts = 2,
               control = moe_control(start = "short-em", short_em_runs = 5, threads = 2))
  expect_identical(coef(short), coef(again))
  expect_equal(short$logLik, usual$logLik, tolerance = 1e-6)
})
