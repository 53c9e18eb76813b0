# Hierarchical MoE: time moest's depth-2 tree fit against mixtools' hmeEM (which fits one level with
# two experts), and moest's depth-1 tree of 2 (the model hmeEM fits) on the same data, with the
# log-likelihoods. Usage: R_LIBS=build/Rlib Rscript bench/tree_vs_hmeEM.R [n] [replicates]
args <- commandArgs(trailingOnly = TRUE)
n <- if (length(args) >= 1L) as.integer(args[1L]) else 2000L
replicates <- if (length(args) >= 2L) as.integer(args[2L]) else 3L
suppressPackageStartupMessages({
  library(moest)
  library(mixtools)
})

# Data from a 2x2 tree (as in tests/testthat/test-tree.R).
simulate_tree <- function(n, seed) {
  set.seed(seed)
  x <- stats::runif(n, -2, 2)
  b2 <- stats::plogis(0.3 + 1.5 * x)
  l2 <- stats::plogis(0.5 - 2 * x)
  l4 <- stats::plogis(-0.4 + 2 * x)
  g <- cbind((1 - b2) * (1 - l2), (1 - b2) * l2, b2 * (1 - l4), b2 * l4)
  k <- apply(g, 1, function(p) sample.int(4L, 1L, prob = p))
  data.frame(x = x, y = c(-4, -1, 2, 5)[k] + c(1, -1, 1, -1)[k] * x + stats::rnorm(n, sd = 0.5))
}

time_of <- function(expr) {
  start <- proc.time()[["elapsed"]]
  value <- force(expr)
  list(value = value, seconds = proc.time()[["elapsed"]] - start)
}

rows <- list()
for (r in seq_len(replicates)) {
  data <- simulate_tree(n, seed = r)
  tree <- time_of(moe(y ~ x, data = data, tree = c(2, 2), seed = r, starts = 10))
  flat2 <- time_of(moe(y ~ x, data = data, tree = 2, seed = r, starts = 10))
  set.seed(r)
  # hmeEM prints restarts ("Need new starting values"): captured; it stops after 15 of them.
  hme <- time_of(tryCatch({
    utils::capture.output(out <- mixtools::hmeEM(data$y, data$x, maxit = 2000))
    out
  }, error = function(e) NULL))
  rows[[r]] <- data.frame(
    replicate = r, n = n,
    moest_tree2x2_loglik = tree$value$logLik, moest_tree2x2_s = tree$seconds,
    moest_tree2_loglik = flat2$value$logLik, moest_tree2_s = flat2$seconds,
    hmeEM_loglik = if (is.null(hme$value)) NA else hme$value$loglik,
    hmeEM_iterations = if (is.null(hme$value)) NA else length(hme$value$all.loglik),
    hmeEM_s = hme$seconds)
}
result <- do.call(rbind, rows)
print(result, digits = 8)
cat(sprintf("\nmedian seconds: moest 2x2 tree (10 starts) %.3f, moest depth-1 tree of 2 (10 starts) %.3f, hmeEM (1 start) %.3f\n",
            stats::median(result$moest_tree2x2_s), stats::median(result$moest_tree2_s), stats::median(result$hmeEM_s)))
cat(sprintf("hmeEM / moest (same model, 10 starts against 1): %.1fx; loglik gain of moest over hmeEM: min %.4f\n",
            stats::median(result$hmeEM_s) / stats::median(result$moest_tree2_s),
            min(result$moest_tree2_loglik - result$hmeEM_loglik, na.rm = TRUE)))
