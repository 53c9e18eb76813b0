# Student-t experts resist outlying responses: with 3% gross outliers injected, the t fit's expert
# coefficients stay near the clean fit's while the Gaussian fit's move.

test_that("t experts stay near the clean fit when outliers are injected; Gaussian experts do not", {
  set.seed(11)
  n <- 1000
  x <- runif(n)
  second <- runif(n) < plogis(-3 + 6 * x)
  y <- ifelse(second, 4 - 3 * x, 1 + 2 * x) + rnorm(n, sd = 0.25)
  clean <- data.frame(x = x, y = y)
  dirty <- clean
  hit <- seq(5, n, by = 33)  # about 3% of the rows, spread over x
  dirty$y[hit] <- dirty$y[hit] + 15
  fits <- function(data, expert) {
    moe(y ~ x, data = data, K = 2, expert = expert, seed = 1, starts = 5,
        control = moe_control(label_order = "expert"))
  }
  shift <- function(expert) {
    a <- suppressWarnings(fits(clean, expert))$coefficients$experts
    b <- suppressWarnings(fits(dirty, expert))$coefficients$experts
    max(abs(a - b))
  }
  t_shift <- shift("t")
  gaussian_shift <- shift("gaussian")
  expect_lt(t_shift, 0.1)
  expect_gt(gaussian_shift, 0.5)
})
