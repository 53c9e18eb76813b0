# flexmix as an oracle: the same model (Gaussian linear experts, multinomial logit gate with
# component 1 as reference) fitted by flexmix's EM from the same initial partition.
#
# flexmix's Gaussian driver FLXMRglm() is not quite maximum likelihood: its M-step sets
# sigma^2 = sum(w r^2) / mean(w) / (n - p), a degrees-of-freedom corrected variance, where the
# likelihood is maximised by sum(w r^2) / sum(w). Its EM therefore settles a little away from the
# maximum (sigma larger by about p / (2 n) relative, the other parameters moved by the same order),
# with a lower log-likelihood. So the comparison is made twice: with flexmix as it is (moe must reach
# at least its log-likelihood; parameters within a tolerance that covers the O(p / n) shift), and
# with FLXMRglm's M-step changed to the maximum likelihood variance (then both fit the same model and
# must agree closely).
skip_if_not_installed("flexmix")

# FLXMRglm() with the maximum likelihood variance in its M-step.
ml_gaussian_driver <- function() {
  driver <- flexmix::FLXMRglm()
  define <- driver@defineComponent
  driver@fit <- function(x, y, w, component) {
    fit <- stats::lm.wfit(x, y, w = w)
    define(para = list(coef = stats::coef(fit), df = ncol(x) + 1,
                       sigma = sqrt(sum(w * fit$residuals^2) / sum(w))))
  }
  driver
}

fit_flexmix <- function(formula, data, cl, driver) {
  gate <- stats::formula(stats::delete.response(stats::terms(formula)))
  # flexmix's default EM tolerance (1e-6) stops early: give it a tight one.
  oracle <- flexmix::flexmix(formula, data = data, k = 2, cluster = cl, model = driver,
                             concomitant = flexmix::FLXPmultinom(gate),
                             control = list(tolerance = 1e-10, iter.max = 2000))
  parameters <- flexmix::parameters(oracle)
  p <- nrow(parameters) - 1L
  list(loglik = oracle@logLik, df = oracle@df, gate = oracle@concomitant@coef,
       experts = parameters[seq_len(p), , drop = FALSE], sigma = parameters[p + 1L, ])
}

# Compares moe with flexmix; `tolerance` bounds the parameters' relative differences (floor 1) and
# `gate_tolerance` the gate's.
expect_flexmix_agreement <- function(ours, theirs, tolerance, gate_tolerance) {
  expect_equal(ours$status, "converged")
  expect_equal(ours$df, theirs$df)
  # moe reaches at least flexmix's log-likelihood.
  expect_gte(ours$logLik, theirs$loglik - 1e-6 * abs(theirs$loglik))
  # The same log-likelihood at the same parameters: moe evaluated at flexmix's estimates.
  at_theirs <- moest:::moe_with_parameters(ours, theirs$gate, theirs$experts, theirs$sigma)
  expect_equal(sum(log(predict(at_theirs, type = "density"))), theirs$loglik, tolerance = 1e-10)
  # The same estimates after sorting components by slope.
  mine <- sorted_parameters(ours)
  other <- reorder_components(theirs$gate, theirs$experts, theirs$sigma,
                              order(theirs$experts[2, ], decreasing = TRUE))
  expect_close(mine$experts, other$experts, tolerance, relative = TRUE)
  expect_close(mine$sigma, other$sigma, tolerance, relative = TRUE)
  expect_close(mine$gate, other$gate, gate_tolerance, relative = TRUE)
}

compare_with_flexmix <- function(formula, data, cl) {
  ours <- moe(formula, data = data, K = 2, cluster = cl, starts = 1, seed = 1,
              control = moe_control(tol = 1e-12))
  # flexmix as it is: its variance correction shifts the estimates by O(p / n), about 1.5% on
  # tonedata (n = 150) for the least determined gate coefficients and 1% for sigma.
  plain <- fit_flexmix(formula, data, cl, flexmix::FLXMRglm())
  expect_gt(ours$logLik, plain$loglik)
  expect_flexmix_agreement(ours, plain, tolerance = 0.02, gate_tolerance = 0.05)
  # Maximum likelihood on both sides: the log-likelihoods agree to 1e-9, the estimates to the
  # precision EM reaches when it stops at a relative change of 1e-10 (observed differences up to
  # 4e-6, bound 2e-5), and the gate to 1e-4 (observed up to 2e-5) because flexmix's reported gate
  # coefficients come from a final nnet::multinom refit with its default tolerance (1e-8).
  ml <- fit_flexmix(formula, data, cl, ml_gaussian_driver())
  expect_equal(ours$logLik, ml$loglik, tolerance = 1e-9)
  expect_flexmix_agreement(ours, ml, tolerance = 2e-5, gate_tolerance = 1e-4)
}

test_that("moe agrees with flexmix on tonedata", {
  cl <- ifelse(abs(tonedata$tuned - 2) < 0.05, 1L, 2L)
  compare_with_flexmix(tuned ~ stretchratio, tonedata, cl)
})

test_that("moe agrees with flexmix on a simulated data set", {
  data <- simulate_truth(500, seed = 21)
  cl <- ifelse(data$y > 0, 1L, 2L)
  compare_with_flexmix(y ~ x, data, cl)
})
