# The conditional gate families from R: gate strings with options, moe_gate(), the probit-vs-glm
# oracle, plots of the gate weights, and errors for bad options.

test_that("moe_gate() writes the gate string the core reads", {
  expect_equal(moe_gate("softmax"), "softmax")
  expect_equal(moe_gate("softmax", temperature = 0.5), "softmax(temperature = 0.5)")
  expect_equal(moe_gate("softmax", top_k = 2, top_k_bias = "after"),
               "softmax(top_k = 2, top_k_bias = after)")
  expect_error(moe_gate("softmax", 0.5), "named")
  expect_error(moe_gate(3), "family")
})

test_that("every conditional gate fits, prints, predicts and round-trips through a model file", {
  data <- simulate_truth(600, seed = 21)
  for (gate in c("softmax(temperature = 0.5)", "softmax(top_k = 2)", "softmax(transform = tanh)",
                 "laplace", "gaussian_kernel", "probit")) {
    fit <- suppressWarnings(moe(y ~ x, data = data, K = 2, seed = 1, starts = 2, gate = gate))
    expect_true(is.finite(fit$logLik), info = gate)
    expect_output(print(fit), "Gate", info = gate)
    expect_output(print(summary(fit)), "Expert", info = gate)
    g <- predict(fit, newdata = data[1:5, ], type = "gate")
    expect_equal(unname(rowSums(g)), rep(1, 5), tolerance = 1e-12, info = gate)
    expect_equal(length(coef(fit)) + 0L, as.integer(fit$df), info = gate)
    path <- tempfile(fileext = ".json")
    write_moe(fit, path)
    back <- read_moe(path)
    expect_equal(back$gate, fit$gate, info = gate)
    expect_equal(predict(back, newdata = data[1:5, ], type = "gate"), g, tolerance = 1e-12,
                 info = gate)
    unlink(path)
  }
})

test_that("temperature 1 and top_k = K give the plain softmax fit", {
  data <- simulate_truth(500, seed = 22)
  plain <- moe(y ~ x, data = data, K = 2, seed = 4, starts = 1)
  for (gate in c("softmax(temperature = 1)", "softmax(top_k = 2)")) {
    other <- moe(y ~ x, data = data, K = 2, seed = 4, starts = 1, gate = gate)
    expect_equal(other$logLik, plain$logLik, tolerance = 1e-6, info = gate)
  }
})

test_that("a K = 2 probit gate with perfectly separated experts is the probit GLM on the labels", {
  set.seed(23)
  n <- 3000
  z <- stats::runif(n, -2, 2)
  label <- as.integer(stats::runif(n) < stats::pnorm(0.4 + 1.2 * z))
  # Experts far apart with small noise: the posterior is the label, so the gate's M-step is the
  # probit maximum likelihood on hard labels, on the latent-utility scale (GLM coefficients * sqrt(2)).
  y <- ifelse(label == 1L, 100, 0) + stats::rnorm(n, sd = 0.1)
  data <- data.frame(y = y, z = z)
  fit <- moe(y ~ 1 | z, data = data, K = 2, seed = 1, starts = 1, gate = "probit",
             cluster = label + 1L)
  oracle <- stats::glm(label ~ z, family = stats::binomial(link = "probit"))
  second <- which.max(fit$coefficients$experts[1, ])
  gamma <- fit$coefficients$gate[, second] - fit$coefficients$gate[, 3L - second]
  expect_equal(unname(gamma / sqrt(2)), unname(stats::coef(oracle)), tolerance = 1e-4)
})

test_that("plot_gate() and plot(which = 3) draw the gate weights", {
  data <- simulate_truth(400, seed = 24)
  fit <- moe(y ~ x, data = data, K = 2, seed = 1, starts = 1, gate = "probit")
  path <- tempfile(fileext = ".pdf")
  grDevices::pdf(path)
  curves <- plot_gate(fit, n = 50)
  titled <- plot_gate(fit, n = 50, main = "a title of the user's")  # no clash with the default
  plot(fit, which = 3)
  grDevices::dev.off()
  unlink(path)
  expect_equal(dim(curves), c(50L, 3L))
  expect_identical(titled, curves)
  expect_equal(unname(rowSums(curves[, -1L])), rep(1, 50), tolerance = 1e-12)
  expect_error(plot_gate(fit, x = "nothing"), "gate covariate")
})

test_that("bad gate options are clear errors", {
  data <- simulate_truth(200, seed = 25)
  expect_error(moe(y ~ x, data = data, K = 2, gate = "softmax(top_k = 3)"), "top_k")
  expect_error(moe(y ~ x, data = data, K = 2, gate = "softmax(temperature = -1)"), "temperature")
  expect_error(moe(y ~ x, data = data, K = 2, gate = "softmax(transform = cube)"), "cube")
  expect_error(moe(y ~ x, data = data, K = 2, gate = "nosuchgate"), "nosuchgate")
})
