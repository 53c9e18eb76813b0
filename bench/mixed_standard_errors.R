# Standard errors of a mixed-effects MoE against the spread of its estimates: replicates of a K = 2
# softmax-gated Gaussian MoE with group random intercepts in the gate (G groups of m rows), fitted by
# the CLI (`moest fit --group school`, gate "y ~ x | x"); for each parameter the mean reported
# standard error against the empirical SD of the estimates, and the coverage of the 95% Wald
# intervals. Also one K = 1 expert-placement fit (a linear mixed model) against nlme::lme(method = "ML").
#   Rscript bench/mixed_standard_errors.R [moest=build/moest] [replicates=100] [groups=100] [size=10]
# Needs jsonlite and nlme. Results are recorded in bench/RESULTS.md.
args <- commandArgs(trailingOnly = TRUE)
moest <- if (length(args) >= 1) args[1] else "build/moest"
replicates <- if (length(args) >= 2) as.numeric(args[2]) else 100
groups <- if (length(args) >= 3) as.numeric(args[3]) else 100
size <- if (length(args) >= 4) as.numeric(args[4]) else 10
Sys.setenv(OPENBLAS_NUM_THREADS = "1")
work <- tempfile("mixed-se")
dir.create(work)

# logit P(component 2) = 0.3 + 1.5 x + 1.2 u_g, u_g ~ N(0, 1); experts -2 + x and 2 - x, sd 0.5.
truth <- c(gate_intercept = 0.3, gate_slope = 1.5, loading = 1.2, variance = 1.44,
           c1_intercept = -2, c1_slope = 1, c1_sigma = 0.5, c2_intercept = 2, c2_slope = -1, c2_sigma = 0.5)
simulate_data <- function(seed) {
  set.seed(seed)
  school <- rep(seq_len(groups), each = size)
  u <- stats::rnorm(groups)[school]
  x <- stats::runif(groups * size, -1, 1)
  second <- stats::runif(groups * size) < stats::plogis(0.3 + 1.5 * x + 1.2 * u)
  y <- ifelse(second, 2 - x, -2 + x) + stats::rnorm(groups * size, sd = 0.5)
  data.frame(y = y, x = x, school = school)
}

fit_cli <- function(data, formula, extra) {
  csv <- file.path(work, "data.csv")
  json <- file.path(work, "model.json")
  utils::write.csv(data, csv, row.names = FALSE)
  status <- system2(moest, c("fit", csv, "--formula", shQuote(formula), "--group", "school", "--seed", "1",
                             "--quiet", "-o", json, extra), stdout = FALSE, stderr = FALSE)
  if (status != 0) return(NULL)
  jsonlite::fromJSON(json, simplifyVector = TRUE)
}
# Entry (2, 2) of the first matrix of a list of matrices (jsonlite makes it a 3-d array).
first_22 <- function(v) if (is.array(v) && length(dim(v)) == 3L) v[1, 2, 2] else as.matrix(v[[1]])[2, 2]

# Estimates and standard errors in the truth's labelling (component 2 has the higher expert intercept).
one_replicate <- function(r) {
  m <- fit_cli(simulate_data(3000 + r), "y ~ x | x", c("-K", "2", "--starts", "3", "--tol", "1e-9"))
  if (is.null(m) || !isTRUE(m$fit$standard_errors$positive_definite)) return(NULL)
  gate <- m$gate$parameters$coefficients[, 2]
  gate_se <- m$fit$standard_errors$gate$coefficients[, 2]
  experts <- lapply(m$experts$parameters$coefficients, identity)
  intercepts <- vapply(experts, function(b) b[1], numeric(1))
  second <- which.max(intercepts)
  first <- 3L - second
  sign <- if (second == 2L) 1 else -1
  par <- function(k) c(m$experts$parameters$coefficients[[k]], m$experts$parameters$sigma[k])
  se <- function(k) c(m$fit$standard_errors$experts$coefficients[[k]], m$fit$standard_errors$experts$sigma[k])
  variance <- first_22(m$random_effects$variance_components)
  variance_se <- first_22(m$random_effects$variance_se)
  est <- c(sign * gate[1:2], abs(gate[3]), variance, par(first), par(second))
  err <- c(gate_se[1:3], variance_se, se(first), se(second))
  rbind(estimate = est, se = err)
}

started <- Sys.time()
results <- Filter(Negate(is.null), lapply(seq_len(replicates), one_replicate))
seconds <- as.numeric(difftime(Sys.time(), started, units = "secs"))
estimates <- sapply(results, function(m) m["estimate", ])
errors <- sapply(results, function(m) m["se", ])
table <- data.frame(parameter = names(truth), truth = truth, mean_estimate = rowMeans(estimates),
                    empirical_sd = apply(estimates, 1, stats::sd), mean_se = rowMeans(errors),
                    row.names = NULL)
table$ratio <- table$mean_se / table$empirical_sd
table$coverage95 <- rowMeans(abs(estimates - truth) <= 1.96 * errors)
cat(sprintf("gate placement: %d replicates (%d with a positive-definite information), %d groups of %d; %.1f s (%.2f s per fit)\n",
            replicates, length(results), groups, size, seconds, seconds / replicates))
print(table, digits = 3)

# K = 1 in the experts is a linear mixed model: against nlme::lme(method = "ML").
set.seed(7)
G <- 50
g <- rep(seq_len(G), each = 6)
x <- stats::runif(G * 6)
lmm <- data.frame(y = 1 + 2 * x + stats::rnorm(G, sd = 0.8)[g] + stats::rnorm(G * 6, sd = 0.5), x = x, school = g)
m <- fit_cli(lmm, "y ~ x | 1", c("-K", "1", "--random", "expert", "--starts", "1", "--tol", "1e-12"))
ref <- nlme::lme(y ~ x, random = ~ 1 | school, data = lmm, method = "ML")
interval <- nlme::intervals(ref, which = "var-cov")
tau <- interval$reStruct$school["sd((Intercept))", "est."]
cat(sprintf("\nK = 1 expert placement vs nlme::lme(ML), 50 groups of 6: log-likelihood moest %.6f, lme %.6f\n",
            m$fit$log_likelihood, as.numeric(stats::logLik(ref))))
cmp <- data.frame(parameter = c("(Intercept)", "x"),
                  moest = m$experts$parameters$coefficients[[1]], lme = unname(nlme::fixef(ref)),
                  moest_se = m$fit$standard_errors$experts$coefficients[[1]],
                  lme_se = unname(sqrt(diag(stats::vcov(ref)))))
cmp$se_ratio <- cmp$moest_se / cmp$lme_se
print(cmp, digits = 6)
cat(sprintf("tau^2: moest %.5f (s.e. %.5f), lme %.5f; sigma: moest %.5f, lme %.5f\n",
            m$random_effects$variance_components[[1]], m$random_effects$variance_se[[1]], tau^2,
            m$experts$parameters$sigma, ref$sigma))
