test_that("moe_select ranks K by the criterion, smaller is better", {
  data <- simulate_truth(400, seed = 41)
  s <- moe_select(y ~ x, data = data, K = 1:3, starts = 2, seed = 1)
  expect_s3_class(s, "moe_select")
  expect_equal(nrow(s), 3L)
  expect_false(is.unsorted(s$value))
  expect_equal(s$K[1], 2L)  # the simulated truth
  expect_equal(attr(s, "best")$K, 2L)
  expect_output(print(s), "smaller is better")
  pdf(NULL)
  on.exit(grDevices::dev.off())
  expect_silent(plot(s))
  two <- moe_select(y ~ x, data = data, K = 1:2, gate = c("softmax", "laplace"), criterion = "aic",
                    starts = 2, seed = 1)
  expect_equal(nrow(two), 4L)
  expect_silent(plot(two))
  expect_error(moe_select(y ~ x, data = data[1:8, ], K = 1:3, starts = 1, seed = 1), "free parameters")
  # The largest K is tried first, before any fit of a smaller K: on 8 rows K = 2 (8 parameters) and
  # K = 3 both fail, and the error is K = 3's.
  expect_error(moe_select(y ~ x, data = data[1:8, ], K = 1:3, starts = 1, seed = 1), "K = 3 needs")
  expect_error(moe_select(y ~ x, data = data, K = 0:2), "'K' must be")
})
