# Standard errors against the spread of estimates: R replicates of a K = 2 softmax-gated Gaussian MoE
# (n rows each), fitted by moe(); for every free parameter the mean reported standard error against
# the empirical SD of the estimates, and the coverage of the 95% Wald intervals.
#   R_LIBS=build/Rlib Rscript bench/standard_errors.R [replicates=200] [n=2000]
# Results are recorded in bench/RESULTS.md.
library(moest)
args <- as.numeric(commandArgs(trailingOnly = TRUE))
replicates <- if (length(args) >= 1) args[1] else 200
n <- if (length(args) >= 2) args[2] else 2000

# P(component 2 | x) = plogis(0.5 + 2 x); experts 1 + 2x (sd 0.4) and -1 - 1.5x (sd 0.5).
truth <- c(gate_intercept = 0.5, gate_slope = 2, c1_intercept = 1, c1_slope = 2, c1_sigma = 0.4,
           c2_intercept = -1, c2_slope = -1.5, c2_sigma = 0.5)
simulate_data <- function(seed) {
  set.seed(seed)
  x <- stats::runif(n, -1, 1)
  second <- stats::runif(n) < stats::plogis(truth[["gate_intercept"]] + truth[["gate_slope"]] * x)
  mean <- ifelse(second, truth[["c2_intercept"]] + truth[["c2_slope"]] * x,
                 truth[["c1_intercept"]] + truth[["c1_slope"]] * x)
  data.frame(x = x, y = mean + stats::rnorm(n, sd = ifelse(second, truth[["c2_sigma"]], truth[["c1_sigma"]])))
}

# Estimates and standard errors in the truth's labelling (component 1 has the higher intercept).
one_replicate <- function(r) {
  fit <- moe(y ~ x, data = simulate_data(1000 + r), K = 2, seed = r, starts = 5,
             control = moe_control(tol = 1e-10))
  se <- moest:::standard_error_matrices(fit)
  first <- which.max(fit$coefficients$experts[1, ])
  second <- 3L - first
  sign <- if (first == 1L) 1 else -1
  gate <- fit$coefficients$gate
  experts <- moest:::expert_parameter_matrix(fit)
  est <- c(sign * (gate[, 2] - gate[, 1]), experts[, first], experts[, second])
  err <- c(se$gate[, 2], se$experts[, first], se$experts[, second])
  rbind(estimate = est, se = err)
}

started <- Sys.time()
results <- lapply(seq_len(replicates), one_replicate)
estimates <- sapply(results, function(m) m["estimate", ])
errors <- sapply(results, function(m) m["se", ])
rownames(estimates) <- rownames(errors) <- names(truth)
covered <- abs(estimates - truth) <= stats::qnorm(0.975) * errors
table <- data.frame(truth = truth, mean_estimate = rowMeans(estimates),
                    empirical_sd = apply(estimates, 1, stats::sd), mean_se = rowMeans(errors))
table$se_over_sd <- table$mean_se / table$empirical_sd
table$coverage <- rowMeans(covered)
print(round(table, 4))
cat(sprintf("replicates %d, n %d, overall coverage %.3f, %.1f s\n", replicates, n, mean(covered),
            as.numeric(difftime(Sys.time(), started, units = "secs"))))
