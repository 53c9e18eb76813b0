# Sandwich against observed-information standard errors, and both against the empirical SD of the
# estimates over R replicates of a K = 2 softmax-gated Gaussian MoE (n rows each): once correctly
# specified, once with heteroscedastic errors within each component (sd proportional to 2|x|, which
# the Gaussian experts do not model). Each replicate is fitted from its true partition (one start), so
# that labels never switch.
#   R_LIBS=build/Rlib Rscript bench/sandwich.R [replicates=100] [n=2000]
# Results are recorded in bench/RESULTS.md.
library(moest)
args <- as.numeric(commandArgs(trailingOnly = TRUE))
replicates <- if (length(args) >= 1) args[1] else 100
n <- if (length(args) >= 2) args[2] else 2000

# P(component 2 | x) = plogis(0.5 + 2 x); experts 1 + 2x (sd 0.4) and -1 - 1.5x (sd 0.5).
simulate_data <- function(seed, heteroscedastic) {
  set.seed(seed)
  x <- stats::runif(n, -1, 1)
  second <- stats::runif(n) < stats::plogis(0.5 + 2 * x)
  mean <- ifelse(second, -1 - 1.5 * x, 1 + 2 * x)
  scale <- if (heteroscedastic) 2 * abs(x) else 1
  data.frame(x = x, y = mean + scale * stats::rnorm(n, sd = ifelse(second, 0.5, 0.4)),
             component = ifelse(second, 2L, 1L))
}

one_replicate <- function(r, heteroscedastic) {
  data <- simulate_data(5000 + r, heteroscedastic)
  fit <- moe(y ~ x, data = data, K = 2, seed = r, starts = 1, cluster = data$component,
             control = moe_control(tol = 1e-10, se = "sandwich"))
  rbind(estimate = coef(fit), sandwich = sqrt(diag(vcov(fit))),
        observed = sqrt(diag(vcov(fit, type = "observed"))))
}

started <- Sys.time()
for (heteroscedastic in c(FALSE, TRUE)) {
  results <- lapply(seq_len(replicates), one_replicate, heteroscedastic = heteroscedastic)
  pick <- function(row) sapply(results, function(m) m[row, ])
  sd <- apply(pick("estimate"), 1, stats::sd)
  table <- data.frame(empirical_sd = sd, observed_se = rowMeans(pick("observed")),
                      sandwich_se = rowMeans(pick("sandwich")))
  table$observed_over_sd <- table$observed_se / sd
  table$sandwich_over_sd <- table$sandwich_se / sd
  cat(if (heteroscedastic) "\nmisspecified (sd proportional to 2|x| within components)\n" else
        "correctly specified\n")
  print(round(table, 4))
}
cat(sprintf("replicates %d, n %d, %.1f s\n", replicates, n,
            as.numeric(difftime(Sys.time(), started, units = "secs"))))
