# Softmax-gated Gaussian MoE, K = 3, one covariate: moest against flexmix on the same data, from the
# same starting partition, in the same R session. Prints seconds, EM iterations and log-likelihood of
# both and the speed ratio. Run from the repository root after `make rpkg`:
#   OPENBLAS_NUM_THREADS=1 R_LIBS=build/Rlib Rscript bench/flexmix_vs_moest.R [n ...]
suppressPackageStartupMessages({
  library(moest)
  library(flexmix)
})
args <- commandArgs(trailingOnly = TRUE)
sizes <- if (length(args)) as.numeric(args) else c(1e4, 1e5)

simulate_k3 <- function(n, seed) {
  set.seed(seed)
  x <- runif(n, -1, 1)
  eta <- cbind(0, 0.5 + 3 * x, -0.5 - 3 * x)
  g <- exp(eta) / rowSums(exp(eta))
  z <- apply(g, 1, function(p) sample.int(3, 1, prob = p))
  y <- c(2, -2, 0)[z] + c(1, 2, -3)[z] * x + rnorm(n) * c(0.3, 0.4, 0.25)[z]
  data.frame(x = x, y = y)
}

rows <- list()
for (n in sizes) {
  d <- simulate_k3(n, seed = 1)
  set.seed(2)
  cl <- sample.int(3, n, replace = TRUE)
  t_flex <- system.time(
    f <- flexmix(y ~ x, data = d, k = 3, cluster = cl, model = FLXMRglm(),
                 concomitant = FLXPmultinom(~ x))
  )[["elapsed"]]
  t_moe <- system.time(m <- moe(y ~ x | x, data = d, K = 3, cluster = cl, starts = 1))[["elapsed"]]
  rows[[length(rows) + 1]] <- data.frame(
    n = n, flexmix_s = t_flex, flexmix_iter = f@iter, flexmix_loglik = as.numeric(logLik(f)),
    moest_s = t_moe, moest_iter = m$iterations, moest_loglik = as.numeric(logLik(m)),
    ratio = t_flex / t_moe)
  print(rows[[length(rows)]], digits = 10, row.names = FALSE)
}
cat("\nMachine:", Sys.info()[["machine"]], "-", parallel::detectCores(), "cores;",
    "date:", format(Sys.time(), "%Y-%m-%d"), "\n")
print(do.call(rbind, rows), digits = 8, row.names = FALSE)
