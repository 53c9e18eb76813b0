# Shared by the tests: a simulated two-component model with known parameters, and component
# re-ordering (mixture labels are arbitrary, so fits are compared after sorting components).

# Gate: P(component 2 | x) = plogis(0.5 - 1.5 x); experts 1 + 2x (sd 0.3) and -1 - x (sd 0.5).
truth <- list(gate = cbind(Comp.1 = c(0, 0), Comp.2 = c(0.5, -1.5)),
              experts = cbind(Comp.1 = c(1, 2), Comp.2 = c(-1, -1)),
              sigma = c(Comp.1 = 0.3, Comp.2 = 0.5))

simulate_truth <- function(n, seed) {
  set.seed(seed)
  x <- stats::runif(n, -1, 1)
  second <- stats::runif(n) < stats::plogis(truth$gate[1, 2] + truth$gate[2, 2] * x)
  component <- ifelse(second, 2L, 1L)
  mean <- truth$experts[1, component] + truth$experts[2, component] * x
  data.frame(x = x, y = mean + stats::rnorm(n, sd = truth$sigma[component]), component = component)
}

# Parameters (gate q x K, experts p x K, sigma K) with the components in `order`; the gate is
# re-referenced so that the new first component has zero coefficients.
reorder_components <- function(gate, experts, sigma, order) {
  gate <- gate[, order, drop = FALSE]
  list(gate = unname(gate - gate[, 1L]), experts = unname(experts[, order, drop = FALSE]),
       sigma = unname(sigma[order]))
}

# A fit's parameters sorted by decreasing expert slope (the second coefficient row).
sorted_parameters <- function(fit) {
  p <- fit$coefficients
  reorder_components(p$gate, p$experts, p$sigma, order(p$experts[2, ], decreasing = TRUE))
}

# A path for a temporary model file (tempdir() is removed when the R session ends).
temp_json <- function() tempfile(fileext = ".json")

# Element-wise closeness: |actual - expected| <= tolerance, or with `relative`,
# |actual - expected| <= tolerance * max(|expected|, 1) (testthat's tolerance is an average).
expect_close <- function(actual, expected, tolerance, relative = FALSE) {
  scale <- if (relative) pmax(abs(expected), 1) else 1
  worst <- max(abs(actual - expected) / scale)
  expect_true(worst <= tolerance,
              label = sprintf("largest difference %.3g (tolerance %.3g)", worst, tolerance))
}

# flexmix's refit() standard errors for a two-component Gaussian `fit` of y ~ x on `data` (gate ~ x):
# flexmix fitted from moe's partition; its variance M-step is df-corrected (see test-flexmix.R), so its
# optimum is a little away from moe's. Returns the expert coefficients' errors (p x 2, in moe's
# component order) and the gate's (the second component against the first).
flexmix_refit_se <- function(fit, data) {
  cluster <- max.col(fit$posterior)
  fm <- flexmix::flexmix(y ~ x, data = data, k = 2, cluster = cluster,
                         concomitant = flexmix::FLXPmultinom(~ x),
                         control = list(tolerance = 1e-10, iter.max = 2000))
  testthat::expect_equal(fm@logLik, fit$logLik, tolerance = 1e-3)
  rf <- flexmix::refit(fm)
  order <- if (mean(flexmix::clusters(fm) == cluster) > 0.5) 1:2 else 2:1
  list(experts = unname(sapply(order, function(k) rf@components[[1]][[k]][, 2])),
       gate = unname(rf@concomitant[["Comp.2"]][, 2]))
}

# 20 groups ("school") of 10 rows, two crossing lines: enough for a mixed-effects call to reach its
# option checks.
small_grouped_data <- function() {
  set.seed(2)
  d <- data.frame(x = stats::runif(200, -1, 1), school = rep(paste0("s", 1:20), each = 10))
  d$y <- ifelse(stats::runif(200) < 0.5, 2 - d$x, -2 + d$x) + stats::rnorm(200, sd = 0.5)
  d
}
