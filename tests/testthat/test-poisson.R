# Poisson experts with an exposure offset: log mu = x'beta + offset, checked against glm (K = 1) and
# flexmix (K = 2, the same start partition), and the errors a user can make with it.

simulate_exposure <- function(n, seed) {
  set.seed(seed)
  x <- runif(n, -1, 1)
  t <- runif(n, 0.2, 5)
  comp <- rbinom(n, 1, 0.4)
  count <- rpois(n, t * exp(ifelse(comp == 1, 0.3 + 1.2 * x, 1.5 - 0.8 * x)))
  data.frame(count = count, x = x, t = t, comp = comp + 1L)
}

test_that("K = 1 with an offset equals glm(family = poisson) with the same offset", {
  data <- simulate_exposure(500, 1)
  oracle <- glm(count ~ x + offset(log(t)), family = poisson, data = data,
                control = glm.control(epsilon = 1e-14, maxit = 100))
  fit <- moe(count ~ x + offset(log(t)), data = data, K = 1, expert = "poisson", starts = 1,
             seed = 1, control = moe_control(tol = 1e-14))
  expect_close(fit$coefficients$experts[, 1], unname(coef(oracle)), 1e-6)
  expect_equal(as.numeric(logLik(fit)), as.numeric(logLik(oracle)), tolerance = 1e-10)
  expect_equal(unname(fitted(fit)), unname(fitted(oracle)), tolerance = 1e-6)
  # The offset argument, as glm's, is the same model.
  by_argument <- moe(count ~ x, data = data, K = 1, expert = "poisson", starts = 1, seed = 1,
                     offset = log(t), control = moe_control(tol = 1e-14))
  expect_close(by_argument$coefficients$experts[, 1], unname(coef(oracle)), 1e-6)
  expect_equal(by_argument$offset_expression, "log(t)")
  # Predictions on new data evaluate the offset there.
  new <- data.frame(x = c(-0.5, 0.5), t = c(1, 3))
  expect_equal(unname(predict(fit, new)), unname(predict(oracle, new, type = "response")), tolerance = 1e-6)
  expect_error(predict(fit, data.frame(x = 0.5)), "newdata needs the column 't'")
  sims <- simulate(fit, nsim = 2, seed = 3, newdata = new)
  expect_equal(dim(sims), c(2L, 2L))
})

test_that("the offset is stored in the model file and used by a model read back", {
  data <- simulate_exposure(300, 2)
  fit <- moe(count ~ x + offset(log(t)), data = data, K = 1, expert = "poisson", starts = 1, seed = 1)
  path <- temp_json()
  write_moe(fit, path)
  text <- paste(readLines(path), collapse = "\n")
  expect_match(text, "\"offset\": \"log(t)\"", fixed = TRUE)
  expect_match(text, "\"version\": 3", fixed = TRUE)
  back <- read_moe(path)
  expect_equal(back$offset_expression, "log(t)")
  new <- data.frame(x = c(-0.5, 0.5), t = c(1, 3))
  expect_equal(predict(back, new), predict(fit, new))
  expect_error(predict(back, data.frame(x = 1)), "offset log\\(t\\)")
})

test_that("K = 2 with an offset reaches at least flexmix's log-likelihood from the same partition", {
  skip_if_not_installed("flexmix")
  data <- simulate_exposure(2000, 3)
  cl <- ifelse(data$x + rnorm(nrow(data), sd = 0.3) > 0, data$comp, 3L - data$comp)
  # flexmix takes the offset through FLXMRglm(offset = ): an offset() term in its formula is dropped
  # without a word (its fit then ends near logLik -6855 here, the intercepts absorbing log(t)).
  oracle <- flexmix::flexmix(count ~ x, data = data, k = 2, cluster = cl,
                             model = flexmix::FLXMRglm(family = "poisson", offset = log(data$t)),
                             control = list(tolerance = 1e-10, iter.max = 2000))
  fit <- moe(count ~ x + offset(log(t)) | 1, data = data, K = 2, expert = "poisson", cluster = cl,
             starts = 1, seed = 1, control = moe_control(tol = 1e-12))
  expect_equal(fit$status, "converged")
  expect_equal(length(oracle@cluster), nrow(data))
  expect_equal(ncol(flexmix::parameters(oracle)), 2L)
  expect_gte(as.numeric(logLik(fit)), oracle@logLik - 1e-6 * abs(oracle@logLik))
  # The same estimates, components sorted by slope.
  theirs <- flexmix::parameters(oracle)
  theirs <- theirs[, order(theirs[2, ])]
  ours <- fit$coefficients$experts[, order(fit$coefficients$experts[2, ])]
  expect_close(unname(ours), unname(theirs), 1e-4, relative = TRUE)
})

test_that("bad offsets are errors naming the column", {
  data <- simulate_exposure(200, 4)
  expect_error(moe(count ~ x + offset(log(t)), data = data, K = 2),
               "offset log\\(t\\) enters only poisson experts, not gaussian")
  bad <- data
  bad$t[7] <- 0
  expect_error(moe(count ~ x + offset(log(t)), data = bad, K = 2, expert = "poisson"),
               "variable 'offset\\(log\\(t\\)\\)' has the value -Inf in row 7")
  expect_error(moe(count ~ x | z + offset(log(t)), data = cbind(data, z = 1), K = 2, expert = "poisson"),
               "expert part")
  expect_error(moe(count ~ x + offset(log(t)), data = data[, c("count", "x")], K = 2, expert = "poisson"),
               "needs the column 't'")
  negative <- data
  negative$count[5] <- -1
  expect_error(moe(count ~ x + offset(log(t)), data = negative, K = 2, expert = "poisson"),
               "row 5")
  expect_error(moe(count ~ x, data = data, K = 2, expert = "gaussian", offset = log(t)),
               "enters only poisson experts")
  grouped <- cbind(data, g = rep(1:10, length.out = nrow(data)))
  expect_error(moe(count ~ x | 1 + (1 | g), data = grouped, K = 2, expert = "poisson", offset = log(t)),
               "not supported in mixed-effects fits")
})
