# The R package's compiled code under valgrind (memcheck): one small call through every entry point of the
# glue (fits of each expert and gate kind, a tree, both mixed-effects placements, predict, simulate,
# model files, selection and a rates study). Run by `make test-r-valgrind` as
#   R -d "valgrind --error-exitcode=3 ..." --vanilla -f tools/r-valgrind-smoke.R
# so that any invalid read or write, or use of an uninitialised value, fails the run. Small data and few
# iterations: valgrind runs code about 30 times slower.
suppressPackageStartupMessages(library(moest))
control <- moe_control(max_iter = 30)
step <- function(label, expr) {
  cat(sprintf("valgrind smoke: %s\n", label))
  force(expr)
}

set.seed(1)
n <- 120
x <- runif(n, -1, 1)
second <- runif(n) < plogis(0.5 - 1.5 * x)
data <- data.frame(x = x, z = rnorm(n), g = factor(rep(seq_len(12), each = 10)))
data$y <- ifelse(second, -1 - x, 1 + 2 * x) + rnorm(n, sd = 0.4)
data$count <- rpois(n, exp(ifelse(second, 0.2, 1.5)))
data$class <- factor(ifelse(second, sample(c("a", "b", "c"), n, TRUE, c(0.6, 0.3, 0.1)),
                            sample(c("a", "b", "c"), n, TRUE, c(0.1, 0.2, 0.7))))

fit <- step("gaussian experts, softmax gate", moe(y ~ x | x + z, data, K = 2, starts = 2, seed = 1, control = control))
step("summary, predict, simulate", {
  capture.output(print(summary(fit)))
  predict(fit, newdata = data[1:10, ], type = "gate")
  predict(fit, newdata = data[1:10, ], type = "density")
  simulate(fit, nsim = 1, seed = 2)
})
step("model file round trip", {
  path <- tempfile(fileext = ".json")
  write_moe(fit, path)
  back <- read_moe(path)
  stopifnot(abs(logLik(back) - logLik(fit)) < 1e-8)
})
step("t experts, laplace gate",
     moe(y ~ x, data, K = 2, expert = "t", gate = "laplace", starts = 1, seed = 1, control = control))
step("poisson experts, probit gate",
     moe(count ~ x, data, K = 2, expert = "poisson", gate = "probit", starts = 1, seed = 1, control = control))
step("multinomial experts", {
  m <- moe(class ~ x, data, K = 2, expert = "multinomial", starts = 1, seed = 1, control = control)
  predict(m, newdata = data[1:5, ], type = "probabilities")
})
step("density gates", {
  moe(y ~ x, data, K = 2, gate = "gaussian_density", starts = 1, seed = 1, control = control)
  moe(y ~ x, data, K = 2, gate = "t_density", starts = 1, seed = 1, control = control)
  moe(y ~ x, data, K = 2, gate = "laplace_density", starts = 1, seed = 1, control = control)
})
step("direct maximum likelihood", moe(y ~ x, data, K = 2, starts = 1, seed = 1,
                                     control = moe_control(max_iter = 30, solver = "em+mle")))
step("a 2x2 tree", moe(y ~ x, data, tree = c(2, 2), starts = 1, seed = 1, control = control))
step("random effects in the gate", moe(y ~ x | x + (1 | g), data, K = 2, starts = 1, seed = 1,
                                      control = control, mixed = list(quadrature = 5)))
step("random effects in the experts", moe(y ~ x + (1 | g) | 1, data, K = 2, starts = 1, seed = 1, control = control))
step("model selection", moe_select(y ~ x, data, K = 1:2, starts = 1, seed = 1))
step("a rates study", moe_rates("softmax-exact", quick = TRUE, sizes = c(200, 400), replicates = 1))
cat("valgrind smoke: done\n")
