# Hierarchical mixtures of experts from R: the tree argument, printing, predictions (leaf and branch
# probabilities), model files, the depth-1 tree against the flat model, known-truth recovery and
# mixtools' hmeEM on its own example.

# A 2x2 tree on x ~ U(-2, 2): root P(branch 2) = plogis(0.3 + 1.5 x); in branch 1 P(expert 2) =
# plogis(0.5 - 2 x); in branch 2 P(expert 4) = plogis(-0.4 + 2 x); Gaussian experts with intercepts
# -4, -1, 2, 5, slopes 1, -1, 1, -1 and sd 0.5.
tree_truth <- list(intercept = c(-4, -1, 2, 5), slope = c(1, -1, 1, -1), sd = 0.5)
tree_truth_gate <- function(x) {
  b2 <- stats::plogis(0.3 + 1.5 * x)
  l2 <- stats::plogis(0.5 - 2 * x)
  l4 <- stats::plogis(-0.4 + 2 * x)
  cbind((1 - b2) * (1 - l2), (1 - b2) * l2, b2 * (1 - l4), b2 * l4)
}
simulate_tree <- function(n, seed) {
  set.seed(seed)
  x <- stats::runif(n, -2, 2)
  g <- tree_truth_gate(x)
  k <- apply(g, 1, function(p) sample.int(4L, 1L, prob = p))
  data.frame(x = x, y = tree_truth$intercept[k] + tree_truth$slope[k] * x + stats::rnorm(n, sd = tree_truth$sd))
}

test_that("the tree argument becomes the core's shape and sets K", {
  expect_equal(tree_shape_text(c(2, 3)), "2x3")
  expect_equal(tree_shape_text(list(3, 2)), "[3 2]")
  expect_equal(tree_shape_text(list(list(2, 2), 3)), "[[2 2] 3]")
  expect_equal(tree_shape_text("2x2x2"), "2x2x2")
  expect_equal(tree_leaves(tree_parse("2x3")), 6L)
  expect_equal(tree_leaves(tree_parse("[[2 2] 1]")), 5L)
  expect_equal(moe_tree_gate(c(2, 3), "probit", NULL), list(gate = "tree(shape = 2x3, node = probit)", K = 6L))
  expect_error(moe_tree_gate(c(2, 3), "softmax", 4), "K = 4 conflicts with the tree 2x3, which has 6")
  expect_error(moe_tree_gate(c(2, 3), "softmax(top_k = 1, temperature = 2)", NULL), "at most one")
  expect_error(tree_shape_text(c(2, 1)), "whole number >= 2")
  expect_error(tree_shape_text(list(3)), "at least 2 branches")
  expect_error(tree_shape_text(list(3, 2.5)), "not a whole number")
  expect_error(tree_parse("[3 2"), "never closed")
  expect_error(tree_parse("[3 a]"), "only numbers")
  expect_error(tree_parse("[3]"), "fewer than 2 children")
})

test_that("bad trees and node families are clear errors", {
  data <- simulate_tree(200, seed = 1)
  expect_error(moe(y ~ x, data = data, K = 3, tree = c(2, 2)), "conflicts")
  expect_error(moe(y ~ x, data = data, tree = c(2, 2), gate = "gaussian_density", starts = 1),
               "density of x")
  expect_error(moe(y ~ x, data = data, tree = "2y2", starts = 1), "2y2")
  expect_error(moe(y ~ x, data = data, tree = c(2, 2), gate = "tree(shape = 2)"), "family of its nodes")
})

test_that("a depth-2 tree recovers its truth, prints, predicts and round-trips", {
  data <- simulate_tree(4000, seed = 2)
  fit <- moe(y ~ x, data = data, tree = c(2, 2), seed = 3, starts = 10)
  expect_equal(fit$K, 4L)
  expect_equal(fit$status, "converged")
  expect_false(any(fit$trace$decrease))
  # Experts matched to the truth by intercept: standard errors of the intercepts are about
  # 0.5 / sqrt(n_k) ~ 0.02, so 0.15 is several of them; the leaf weights at x in -1.5..1.5 within 0.05.
  order <- order(fit$coefficients$experts[1, ])
  expect_close(fit$coefficients$experts[1, order], tree_truth$intercept, 0.15)
  expect_close(fit$coefficients$experts[2, order], tree_truth$slope, 0.15)
  grid <- data.frame(x = c(-1.5, -0.5, 0.5, 1.5))
  expect_close(predict(fit, grid, type = "gate")[, order], tree_truth_gate(grid$x), 0.05)
  # A leaf's branch: the fitted tree must group the experts as the truth does ({1, 2} and {3, 4}).
  branch <- predict(fit, grid, type = "branch")
  expect_equal(colnames(branch), c("Branch.1", "Branch.2"))
  gate <- predict(fit, grid, type = "gate")
  expect_equal(unname(branch[, 1]), unname(rowSums(gate[, 1:2])), tolerance = 1e-12)
  in_first <- order <= 2  # whether truth expert j sits in the fitted tree's branch 1
  expect_true(in_first[1] == in_first[2] && in_first[3] == in_first[4] && in_first[1] != in_first[3])
  expect_equal(length(coef(fit)) + 0L, as.integer(fit$df))
  expect_output(print(fit), "Gate tree 2x2")
  expect_output(print(summary(fit)), "root:coefficients Branch.2")
  expect_output(print(summary(fit)), "2:coefficients Comp.4")
  expect_output(print(summary(fit)), "Std. Error")
  path <- temp_json()
  write_moe(fit, path)
  back <- read_moe(path)
  expect_equal(predict(back, grid, type = "branch"), branch, tolerance = 1e-12)
  unlink(path)
  grDevices::pdf(NULL)
  expect_silent(plot(fit, which = 5))
  grDevices::dev.off()
  expect_error(predict(moe(y ~ x, data = data[1:300, ], K = 2, seed = 1, starts = 1), grid, type = "branch"),
               "hierarchical")
})

test_that("a depth-1 tree reproduces the flat model from the same starts", {
  data <- simulate_truth(500, seed = 5)
  flat <- moe(y ~ x, data = data, K = 3, seed = 6, starts = 3)
  tree <- moe(y ~ x, data = data, tree = 3, seed = 6, starts = 3)
  expect_equal(tree$logLik, flat$logLik, tolerance = 1e-10)
  expect_equal(unname(tree$coefficients$experts), unname(flat$coefficients$experts), tolerance = 1e-10)
  expect_equal(unname(predict(tree, type = "gate")), unname(predict(flat, type = "gate")), tolerance = 1e-10)
  expect_error(plot(flat, which = 5), "hierarchical")
})

test_that("a ragged tree and mixed node families fit", {
  data <- simulate_tree(800, seed = 7)
  fit <- suppressWarnings(moe(y ~ x, data = data, tree = list(1, 3), gate = "probit", seed = 1, starts = 2))
  expect_equal(fit$K, 4L)
  expect_true(is.finite(fit$logLik))
  expect_equal(colnames(predict(fit, data[1:3, ], type = "branch")), "Branch.2")
})

test_that("moest fits mixtools' hmeEM example at least as well", {
  skip_if_not_installed("mixtools")
  data("NOdata", package = "mixtools", envir = environment())
  set.seed(100)
  em <- mixtools::regmixEM(NOdata$Equivalence, NOdata$NO, verb = FALSE)
  utils::capture.output(hme <- suppressWarnings(mixtools::hmeEM(NOdata$Equivalence, NOdata$NO, beta = em$beta)))
  # hmeEM fits two Gaussian regressions on NO with a logistic gate on NO: a depth-1 tree of 2.
  # hmeEM stops on an absolute change of 1e-8: moest's relative rule is tightened to match.
  fit <- moe(Equivalence ~ NO, data = NOdata, tree = 2, seed = 1, starts = 10, control = moe_control(tol = 1e-12))
  expect_gte(fit$logLik, hme$loglik - 1e-9)  # 123.6205908 against hmeEM's 123.6205906
  flat <- moe(Equivalence ~ NO, data = NOdata, K = 2, seed = 1, starts = 10)
  expect_equal(fit$logLik, flat$logLik, tolerance = 1e-8)
  deeper <- moe(Equivalence ~ NO, data = NOdata, tree = c(2, 2), seed = 1, starts = 10)
  expect_gt(deeper$logLik, fit$logLik)  # a depth-2 tree nests the depth-1 one
})
