data <- simulate_truth(100, seed = 4)

test_that("bad data are R errors that name the problem", {
  expect_error(moe(y ~ nothere, data = data, K = 2), "nothere")
  letters_response <- data.frame(y = rep(c("a", "b"), 50), x = data$x)
  expect_error(moe(y ~ x, data = letters_response, K = 2), "response 'y' must be a numeric")
  bad <- data
  bad$x[7] <- NaN
  expect_error(moe(y ~ x, data = bad, K = 2), "variable 'x' has the value NaN in row 7")
  bad <- data
  bad$y[9] <- Inf
  expect_error(moe(y ~ x, data = bad, K = 2), "variable 'y' has the value Inf in row 9")
  constant <- data
  constant$y <- 3
  expect_error(moe(y ~ x, data = constant, K = 2), "response 'y' is constant")
  constant_x <- data
  constant_x$c <- 2
  expect_error(moe(y ~ x + c, data = constant_x, K = 2),
               "expert design is singular: column 'c' is constant", class = "moest_error")
  expect_error(moe(y ~ x | c, data = constant_x, K = 2),
               "gate design is singular: column 'c' is constant")
  collinear <- data
  collinear$x2 <- 2 * data$x
  expect_error(moe(y ~ x + x2, data = collinear, K = 2), "column 'x2' is a linear combination")
  expect_error(moe(y ~ x, data = data[1:6, ], K = 2),
               "needs more rows than its 8 free parameters, but the data have 6 rows",
               class = "moest_error")
  expect_error(moe(y ~ 0, data = data, K = 2), "expert part of the formula has no terms")
  expect_error(moe(y ~ x | 0, data = data, K = 2), "use '\\| 1'")
  expect_error(moe(y ~ x | x | x, data = data, K = 2), "more than two parts")
})

test_that("bad arguments are R errors", {
  expect_error(moe(y ~ x, data = data, K = 0), "'K' must be a positive whole number \\(got 0\\)")
  expect_error(moe(y ~ x, data = data, K = 1.5), "'K' must be a positive whole number")
  expect_error(moe(y ~ x, data = data, K = NA), "'K' must be a positive whole number")
  expect_error(moe(y ~ x, data = data), "'K', the number of components, is missing")
  expect_error(moe(y ~ x, data = data, K = 2, starts = 0), "'starts' must be a whole number")
  expect_error(moe(y ~ x, data = data, K = 2, seed = -1), "'seed' must be a whole number")
  expect_error(moe(y ~ x, data = data, K = 2, expert = "weibull"),
               "unknown expert family 'weibull'")
  expect_error(moe(y ~ x, data = data, K = 2, gate = 3), "'gate' must be the name of a family")
  expect_error(moe(y ~ x, data = data, K = 2, cluster = rep(1:3, length.out = 100)),
               "labels 1..K = 1..2")
  expect_error(moe(y ~ x, data = data, K = 2, cluster = rep(c(1, 2.5), 50)), "labels 1..K = 1..2")
  expect_error(moe(y ~ x, data = data, K = 2, cluster = rep(c(0L, 1L), 50)), "labels 1..K = 1..2")
  expect_error(moe(y ~ x, data = data, K = 2, cluster = c(NA, rep(1, 99))), "labels 1..K = 1..2")
  expect_error(moe(y ~ x, data = data, K = 2, cluster = rep(1:2, 10)),
               "'cluster' has 20 labels but the data have 100 rows")
})

test_that("core errors carry the user's call", {
  err <- tryCatch(moe(y ~ x, data = data[1:6, ], K = 2), error = function(e) e)
  expect_s3_class(err, "moest_error")
  expect_identical(conditionCall(err)[[1]], as.name("moe"))
})
