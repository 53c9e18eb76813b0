# Softmax-gated Gaussian MoE, K = 3: moest against flexmix on the same data, from the same starting
# partition, with the same stopping rule, in the same R session. Prints seconds, EM iterations and
# log-likelihood of both and the speed ratios, for moest with its default standard errors and
# diagnostics and with se = "none" (EM only, as flexmix() itself: flexmix forms its standard errors
# later, in refit()).
# Stopping: both stop when the relative change of the log-likelihood falls below 1e-8 (moest's
# default; flexmix's default is 1e-6, at which flexmix stops after 2 iterations at n = 1e6 from a
# random partition, whose components all start alike, so its log-likelihood hardly moves at first).
# At one tolerance the two stop within ~1e-10 (relative) of each other, either one ahead; moest is
# also run to 1e-10 (`tight`), where its log-likelihood is at or above flexmix's.
# Timing: CPU seconds of one flexmix call, and the median of `reps` moest calls (a moest call at
# n = 1e4 lasts ~10 ms, where one call's timing is noise). Run from the repository root after
# `make rpkg`:
#   OPENBLAS_NUM_THREADS=1 R_LIBS=build/Rlib Rscript bench/flexmix_vs_moest.R [p] [n ...]
# p is the number of covariates (the first drives the gate; all enter the experts and the gate).
suppressPackageStartupMessages({
  library(moest)
  library(flexmix)
})
args <- commandArgs(trailingOnly = TRUE)
p <- if (length(args)) as.integer(args[1]) else 1L
sizes <- if (length(args) > 1) as.numeric(args[-1]) else c(1e4, 1e5)

simulate_k3 <- function(n, p, seed) {
  set.seed(seed)
  X <- matrix(runif(n * p, -1, 1), n, p, dimnames = list(NULL, paste0("x", seq_len(p))))
  x <- X[, 1]
  eta <- cbind(0, 0.5 + 3 * x, -0.5 - 3 * x)
  g <- exp(eta) / rowSums(exp(eta))
  u <- runif(n)
  z <- 1L + (u > g[, 1]) + (u > g[, 1] + g[, 2])
  y <- c(2, -2, 0)[z] + c(1, 2, -3)[z] * x + rnorm(n) * c(0.3, 0.4, 0.25)[z]
  if (p > 1) y <- y + drop(X[, -1, drop = FALSE] %*% seq(0.5, by = 0.25, length.out = p - 1))
  data.frame(y = y, X)
}

# CPU seconds (user + system) of the call: both fits run on one thread, and CPU time is what a loaded
# machine inflates least. The wall-clock seconds are printed too.
cpu_and_wall <- function(expr) {
  t <- system.time(expr)
  c(cpu = t[["user.self"]] + t[["sys.self"]], wall = t[["elapsed"]])
}
rows <- list()
for (n in sizes) {
  d <- simulate_k3(n, p, seed = 1)
  rhs <- paste(paste0("x", seq_len(p)), collapse = " + ")
  set.seed(2)
  cl <- sample.int(3, n, replace = TRUE)
  t_flex <- cpu_and_wall(
    f <- flexmix(as.formula(paste("y ~", rhs)), data = d, k = 3, cluster = cl, model = FLXMRglm(),
                 concomitant = FLXPmultinom(as.formula(paste("~", rhs))),
                 control = list(tolerance = 1e-8, iter.max = 1000))
  )
  form <- as.formula(paste("y ~", rhs, "|", rhs))
  reps <- if (n <= 1e5) 5L else 3L
  median_of <- function(times) apply(do.call(rbind, times), 2, stats::median)
  t_moe <- median_of(lapply(seq_len(reps), function(i)
    cpu_and_wall(m <<- moe(form, data = d, K = 3, cluster = cl, starts = 1))))
  t_bare <- median_of(lapply(seq_len(reps), function(i)
    cpu_and_wall(b <<- moe(form, data = d, K = 3, cluster = cl, starts = 1,
                           control = moe_control(se = "none")))))
  t_tight <- median_of(lapply(seq_len(reps), function(i)
    cpu_and_wall(tight <<- moe(form, data = d, K = 3, cluster = cl, starts = 1,
                               control = moe_control(se = "none", tol = 1e-10)))))
  stopifnot(isTRUE(all.equal(logLik(m), logLik(b))))
  rows[[length(rows) + 1]] <- data.frame(
    p = p, n = n, flexmix_cpu = t_flex[["cpu"]], flexmix_wall = t_flex[["wall"]], flexmix_iter = f@iter,
    flexmix_loglik = as.numeric(logLik(f)), moest_cpu = t_moe[["cpu"]], moest_wall = t_moe[["wall"]],
    moest_none_cpu = t_bare[["cpu"]], moest_none_wall = t_bare[["wall"]], moest_iter = m$iterations,
    moest_loglik = as.numeric(logLik(m)), loglik_gain = as.numeric(logLik(m)) - as.numeric(logLik(f)),
    ratio_cpu = t_flex[["cpu"]] / t_moe[["cpu"]],
    ratio_none_cpu = t_flex[["cpu"]] / t_bare[["cpu"]], ratio_none_wall = t_flex[["wall"]] / t_bare[["wall"]],
    tight_cpu = t_tight[["cpu"]], tight_iter = tight$iterations,
    tight_gain = as.numeric(logLik(tight)) - as.numeric(logLik(f)), ratio_tight_cpu = t_flex[["cpu"]] / t_tight[["cpu"]])
  print(rows[[length(rows)]], digits = 10, row.names = FALSE)
}
cat("\nMachine:", Sys.info()[["machine"]], "-", parallel::detectCores(), "cores;",
    "date:", format(Sys.time(), "%Y-%m-%d"), "\n")
print(do.call(rbind, rows), digits = 8, row.names = FALSE)
