# Numerical stress and interrupts through R (the C++ side is tests/cpp/stress_test.cpp): every fit
# either converges to finite estimates or ends with a named status and a message; an interrupt
# returns to the caller promptly.

finite_estimates <- function(fit) {
  all(is.finite(unlist(fit$coefficients))) && is.finite(fit$logLik)
}

expect_honest <- function(fit) {
  if (identical(fit$status, "converged")) {
    expect_true(finite_estimates(fit))
  } else {
    expect_true(fit$status %in% c("max_iterations", "degenerate", "non_finite"))
    expect_true(nzchar(fit$message))
  }
}

test_that("rescaling y and x by 1e-8 .. 1e8 gives the equivariant fit", {
  d <- simulate_truth(300, 11)
  base <- moe(y ~ x, data = d, K = 2, seed = 3, starts = 3)
  for (s in c(1e-8, 1e8)) {
    scaled <- data.frame(x = d$x * s, y = d$y * s)
    fit <- suppressWarnings(moe(y ~ x, data = scaled, K = 2, seed = 3, starts = 3))
    expect_honest(fit)
    expect_equal(as.numeric(logLik(fit)), as.numeric(logLik(base)) - 300 * log(s), tolerance = 1e-6)
  }
})

test_that("a perfectly separated gate and a component of equal responses end honestly", {
  x <- seq(-1, 1, length.out = 200)
  set.seed(2)
  separated <- data.frame(x = x, y = ifelse(x < 0, -20, 20) + rnorm(200, sd = 0.1))
  expect_honest(suppressWarnings(moe(y ~ x, data = separated, K = 2, seed = 1, starts = 2)))
  tied <- simulate_truth(200, 12)
  tied$y[1:100] <- 1.25
  expect_honest(suppressWarnings(moe(y ~ x, data = tied, K = 2, seed = 1, starts = 2)))
})

test_that("Ctrl-C during moe() stops the fit through the observer within a second", {
  skip_on_os("windows")
  d <- simulate_truth(20000, 13)
  # A first small fit loads every namespace moe() needs, so that the signal lands in the core's fit.
  moe(y ~ x, data = d[1:200, ], K = 2, seed = 1, starts = 1)
  # A fit of many long starts; a child process sends SIGINT to this R session after a delay.
  delay <- 1.5
  # (Its output goes to /dev/null: otherwise system() waits for it when R's output is a pipe.)
  system(sprintf("(sleep %g; kill -INT %d) >/dev/null 2>&1 </dev/null", delay, Sys.getpid()), wait = FALSE)
  started <- Sys.time()
  caught <- tryCatch(moe(y ~ x, data = d, K = 3, seed = 1, starts = 100000,
                         control = moe_control(tol = 1e-15)),
                     interrupt = function(condition) condition)
  elapsed <- as.numeric(difftime(Sys.time(), started, units = "secs"))
  # The "moe_interrupt" class shows the core's observer saw the interrupt (not R between calls).
  expect_s3_class(caught, "moe_interrupt")
  expect_lt(elapsed, delay + 1)
})
