# A bivariate Gaussian mixture, K = 2, d = 2 (mvn experts with intercepts only and a constant gate):
# moest against mixtools::mvnormalmixEM on the same data from the same start (one M-step on the
# same smoothed partition), in the same R session. Prints seconds, iterations and log-likelihoods,
# then the fitted means and covariances side by side; and the time of a softmax-gated bivariate
# regression fit (cbind(y1, y2) ~ x) at the same n. Run from the repository root after `make rpkg`:
#   OPENBLAS_NUM_THREADS=1 R_LIBS=build/Rlib Rscript bench/mvn_vs_mixtools.R [n]
suppressPackageStartupMessages({
  library(moest)
  library(mixtools)
})
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args)) as.numeric(args[1]) else 1e4

set.seed(1)
component <- ifelse(runif(n) < 0.4, 1L, 2L)
means <- list(c(0, 0), c(2, 1))
covariances <- list(rbind(c(1, 0.5), c(0.5, 1)), rbind(c(0.5, -0.2), c(-0.2, 0.8)))
y <- matrix(0, n, 2)
for (k in 1:2) {
  rows <- component == k
  y[rows, ] <- matrix(rnorm(2 * sum(rows)), ncol = 2) %*% chol(covariances[[k]]) +
    matrix(means[[k]], sum(rows), 2, byrow = TRUE)
}
d <- data.frame(y1 = y[, 1], y2 = y[, 2])
cluster <- ifelse(y[, 1] < median(y[, 1]), 1L, 2L)
r <- outer(cluster, 1:2, "==") * 0.95 + 0.025  # moe's start smoothing 0.05
start <- list(lambda = colMeans(r),
              mu = lapply(1:2, function(k) colSums(r[, k] * y) / sum(r[, k])),
              sigma = lapply(1:2, function(k) cov.wt(y, wt = r[, k] / sum(r[, k]), method = "ML")$cov))

t_mix <- system.time(invisible(capture.output(
  mix <- mvnormalmixEM(y, lambda = start$lambda, mu = start$mu, sigma = start$sigma, k = 2,
                       epsilon = 1e-8, maxit = 10000))))[["elapsed"]]
t_moe <- system.time(
  fit <- moe(cbind(y1, y2) ~ 1 | 1, data = d, K = 2, expert = "mvn", cluster = cluster, starts = 1,
             seed = 1, control = moe_control(tol = 1e-13, max_iter = 10000))
)[["elapsed"]]
cat(sprintf("n = %g: mixtools %.3f s, %d iterations, loglik %.6f\n", n, t_mix, length(mix$all.loglik) - 1L,
            mix$loglik))
cat(sprintf("n = %g: moest    %.3f s, %d iterations, loglik %.6f (difference %.2e)\n", n, t_moe,
            fit$iterations, fit$logLik, fit$logLik - mix$loglik))
ours <- order(fit$coefficients$experts["y1:(Intercept)", ])
theirs <- order(vapply(mix$mu, `[`, numeric(1), 1L))
for (j in 1:2) {
  cat(sprintf("component %d: mean moest (%.5f, %.5f) mixtools (%.5f, %.5f) truth (%g, %g)\n", j,
              fit$coefficients$experts[1, ours[j]], fit$coefficients$experts[2, ours[j]],
              mix$mu[[theirs[j]]][1], mix$mu[[theirs[j]]][2], means[[j]][1], means[[j]][2]))
  cat(sprintf("  covariance moest (%.5f, %.5f, %.5f) mixtools (%.5f, %.5f, %.5f) truth (%g, %g, %g)\n",
              fit$covariances[[ours[j]]][1, 1], fit$covariances[[ours[j]]][1, 2], fit$covariances[[ours[j]]][2, 2],
              mix$sigma[[theirs[j]]][1, 1], mix$sigma[[theirs[j]]][1, 2], mix$sigma[[theirs[j]]][2, 2],
              covariances[[j]][1, 1], covariances[[j]][1, 2], covariances[[j]][2, 2]))
}
cat(sprintf("max |mean difference| %.2e, max |covariance difference| %.2e\n",
            max(abs(fit$coefficients$experts[, ours] - do.call(cbind, mix$mu[theirs]))),
            max(abs(unlist(fit$covariances[ours]) - unlist(mix$sigma[theirs])))))

x <- runif(n, -2, 2)
d$x <- x
t_reg <- system.time(
  reg <- moe(cbind(y1, y2) ~ x, data = d, K = 2, expert = "mvn", starts = 1, seed = 1)
)[["elapsed"]]
cat(sprintf("softmax-gated cbind(y1, y2) ~ x, one start: %.3f s, %d iterations\n", t_reg, reg$iterations))
