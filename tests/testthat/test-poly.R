# poly() terms: the training basis is stored in the model file, so a model read back predicts new
# data in the basis of the fit (not one rebuilt from the new data), and the errors of a bad degree.

test_that("a poly() model read from its file predicts new data as the fitted object does", {
  fit <- moe(accel ~ poly(times, 3) | poly(times, degree = 2), data = mcycle, K = 2, seed = 2,
             starts = 3)
  path <- temp_json()
  write_moe(fit, path)
  text <- paste(readLines(path), collapse = "\n")
  expect_match(text, "\"bases\"", fixed = TRUE)
  back <- read_moe(path)
  # A few rows, some outside the training range: rebuilding poly() from these rows would give
  # another basis altogether.
  new <- data.frame(times = c(1, 15, 30, 62))
  expect_equal(predict(back, new), predict(fit, new), tolerance = 1e-10)
  expect_equal(predict(back, new, type = "gate"), predict(fit, new, type = "gate"), tolerance = 1e-10)
  basis <- poly(mcycle$times, 3)
  stored <- moest:::moe_model_info(text)$model$bases
  expect_equal(length(stored), 2L)
  expect_equal(stored[[1L]]$alpha, attr(basis, "coefs")$alpha, tolerance = 1e-12)
  expect_equal(stored[[1L]]$norm2, attr(basis, "coefs")$norm2, tolerance = 1e-12)
  expect_equal(stored[[2L]]$degree, 2L)
  # The same on a single row, where poly() could not even be rebuilt from the new data.
  expect_equal(predict(back, new[2, , drop = FALSE]), predict(fit, new[2, , drop = FALSE]),
               tolerance = 1e-10)
})

test_that("raw polynomials round-trip and need no stored basis", {
  fit <- moe(accel ~ poly(times, 2, raw = TRUE), data = mcycle, K = 1, seed = 1, starts = 1)
  ols <- stats::lm(accel ~ poly(times, 2, raw = TRUE), data = mcycle)
  expect_close(unname(fit$coefficients$experts[, 1]), unname(coef(ols)), 1e-8, relative = TRUE)
  path <- temp_json()
  write_moe(fit, path)
  new <- data.frame(times = c(3, 40))
  expect_equal(predict(read_moe(path), new), predict(fit, new), tolerance = 1e-10)
})

test_that("a degree not below the number of distinct values is an error", {
  data <- data.frame(x = rep(1:3, 10), y = rnorm(30))
  expect_error(moe(y ~ poly(x, 3), data = data, K = 1, starts = 1, seed = 1),
               "degree.*unique points")
})
