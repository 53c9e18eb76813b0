# Density gates: fitted on the joint likelihood of (x, y), with the conditional one reported.

simulate_joint <- function(n, seed, draw_x = function(n, k) stats::rnorm(n, c(-2, 2)[k], c(0.7, 1)[k])) {
  set.seed(seed)
  component <- ifelse(stats::runif(n) < 0.4, 1L, 2L)
  x <- numeric(n)
  for (k in 1:2) x[component == k] <- draw_x(sum(component == k), k)
  mean <- c(1, -1)[component] + c(2, 0.5)[component] * x
  data.frame(x = x, y = mean + stats::rnorm(n, sd = c(0.4, 0.3)[component]),
             colour = factor(ifelse(x > 0, "red", "blue")))
}

joint_data <- simulate_joint(3000, 11)
# Heavy-tailed covariates for the t gates (with normal ones nu drifts towards its upper bound).
t_data <- simulate_joint(3000, 12, function(n, k) c(-2, 2)[k] + c(0.7, 1)[k] * stats::rt(n, 5))
data_for <- function(gate) if (startsWith(gate, "t_")) t_data else joint_data

test_that("each density gate fits, says which likelihood it maximised and recovers the truth", {
  for (gate in c("gaussian_density", "gaussian_density(covariance = diagonal)", "t_density",
                 "t_density(nu = 5)", "laplace_density")) {
    data <- data_for(gate)
    expect_warning(fit <- moe(y ~ x, data = data, K = 2, gate = gate, seed = 1, starts = 2), NA)
    expect_equal(fit$objective, "joint", info = gate)
    expect_true(fit$conditional_logLik > fit$logLik, info = gate)  # log p(x) < 0 here
    expect_output(print(fit), "Joint log-likelihood", info = gate)
    expect_output(print(summary(fit)), "Conditional log-likelihood", info = gate)
    expect_true(is.list(fit$coefficients$gate))
    pi <- sort(as.vector(fit$coefficients$gate$pi))
    expect_equal(pi, c(0.4, 0.6), tolerance = 0.05, info = gate)
    slopes <- unname(sort(fit$coefficients$experts[2, ]))
    expect_equal(slopes, c(0.5, 2), tolerance = 0.05, info = gate)
    g <- predict(fit, data.frame(x = c(-2, 0, 2)), type = "gate")
    expect_equal(dim(g), c(3L, 2L))
    expect_equal(unname(rowSums(g)), rep(1, 3), tolerance = 1e-12)
    density <- predict(fit, data[1:5, ], type = "density")
    expect_true(all(density > 0))
    expect_equal(sum(log(predict(fit, data, type = "density"))), fit$conditional_logLik,
                 tolerance = 1e-8)
    expect_true(all(is.finite(coef(fit))))
    expect_equal(AIC(fit), -2 * fit$logLik + 2 * fit$df)
  }
})

test_that("the Gaussian-density gate's parameters match the simulation", {
  fit <- moe(y ~ x, data = joint_data, K = 2, gate = "gaussian_density", seed = 2, starts = 2)
  gate <- fit$coefficients$gate
  order <- order(gate$mean[1, ])
  expect_equal(as.vector(gate$mean[1, order]), c(-2, 2), tolerance = 0.05)
  variances <- c(gate$covariance.1[1, 1], gate$covariance.2[1, 1])[order]
  expect_equal(variances, c(0.49, 1), tolerance = 0.1)
  expect_equal(fit$df, 1 + 2 + 2 + 2 * 3)
})

test_that("density-gate models round-trip through model files and plot their gate", {
  for (gate in c("gaussian_density", "t_density(nu_shared = true)", "laplace_density")) {
    data <- data_for(gate)
    expect_warning(fit <- moe(y ~ x, data = data, K = 2, gate = gate, seed = 3, starts = 1), NA)
    path <- temp_json()
    write_moe(fit, path)
    back <- read_moe(path)
    expect_identical(back$coefficients, fit$coefficients)
    expect_identical(back$objective, "joint")
    expect_identical(back$conditional_logLik, fit$conditional_logLik)
    expect_identical(predict(back, data, type = "gate"), predict(fit, data, type = "gate"))
    expect_output(print(summary(back)), "Gate densities")
    pdf(NULL)
    drawn <- plot_gate(fit)
    dev.off()
    expect_equal(dim(drawn), c(200L, 3L))  # the covariate grid and one column per component
  }
})

test_that("bad input to a density gate gives clear errors", {
  expect_error(moe(y ~ x | colour, data = joint_data, K = 2, gate = "gaussian_density"),
               "'colour' is not numeric")
  expect_error(moe(y ~ x | 1, data = joint_data, K = 2, gate = "laplace_density"),
               "at least one numeric covariate")
  expect_error(moe(y ~ x, data = joint_data, K = 2, gate = "t_density(nu = 0)"), "nu")
  expect_error(moe(y ~ x, data = joint_data, K = 2, gate = "t_density(nu = -2)"), "positive")
  constant <- transform(joint_data, z = 1)
  expect_error(moe(y ~ x | z, data = constant, K = 2, gate = "t_density"), "constant")
})
