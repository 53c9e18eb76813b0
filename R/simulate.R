#' Simulate responses from a mixture-of-experts fit
#'
#' Draws `nsim` response vectors from the fitted model at the covariates of the data it was fitted
#' to (or of `newdata`): for every row a component is drawn from the gate weights, then the
#' response from that component's expert. The draws are made by the C++ core from one seed, so the
#' same seed gives the same draws in R and in the command-line tool, and the first column does not
#' depend on `nsim`.
#'
#' @param object A `"moe"` object from [moe()] or [read_moe()].
#' @param nsim The number of response vectors to draw (a whole number, at least 1).
#' @param seed A whole number seeding the draws, or `NULL` to draw one from R's generator (so
#'   [set.seed()] decides the draws).
#' @param newdata Optional data frame of covariates to simulate at; required for a model read from
#'   a file, which stores no data.
#' @param ... Ignored.
#' @return A data frame with `nsim` columns `sim_1`, `sim_2`, ... (factors of the fit's classes for
#'   multinomial experts; for mvn experts each column is an n x d matrix named by the response
#'   columns), one row per observation, and
#'   attribute `"seed"` holding the seed used (as [stats::simulate()]).
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' sims <- simulate(fit, nsim = 2, seed = 42)
#' head(sims)
#' attr(sims, "seed")
#' @export
simulate.moe <- function(object, nsim = 1, seed = NULL, newdata = NULL, ...) {
  check_number(nsim, "nsim", "a whole number of at least 1", min = 1, whole = TRUE)
  if (is.null(newdata)) {
    if (!has_data(object)) stop_no_data("simulate() without newdata")
    design <- stored_design(object)
  } else {
    design <- moe_design(object, newdata)
  }
  seed <- resolve_seed(seed)
  ok <- if (is.null(design$offset)) stats::complete.cases(design$expert, design$gate) else
    stats::complete.cases(design$expert, design$gate, design$offset)
  offset <- if (is.null(design$offset)) numeric(0) else as.numeric(design$offset[ok])
  draws <- call_core(moe_simulate_cpp(object$json, design$expert[ok, , drop = FALSE],
                                      design$gate[ok, , drop = FALSE], as.integer(nsim), seed, offset),
                     sys.call())
  if (!is.null(object$responses)) return(simulated_matrices(object, draws, ok, nsim, design$rows, seed))
  out <- matrix(NA_real_, length(ok), nsim)
  out[ok, ] <- draws
  out <- as.data.frame(out)
  if (!is.null(object$class_labels)) {
    # Multinomial experts draw class codes 0..C-1: give them back as the fit's classes.
    out[] <- lapply(out, function(code) factor(object$class_labels[code + 1L], levels = object$class_labels))
  }
  names(out) <- paste0("sim_", seq_len(nsim))
  rownames(out) <- design$rows
  attr(out, "seed") <- seed
  out
}

# Draws of a d-column response (mvn experts): a data frame whose columns sim_1, sim_2, ... are each
# an n x d matrix named by the response columns (as cbind(y1, y2) in a model frame).
simulated_matrices <- function(object, draws, ok, nsim, rows, seed) {
  d <- length(object$responses)
  out <- data.frame(row.names = rows)
  for (r in seq_len(nsim)) {
    m <- matrix(NA_real_, length(ok), d, dimnames = list(rows, object$responses))
    m[ok, ] <- draws[, (r - 1L) * d + seq_len(d)]
    out[[paste0("sim_", r)]] <- m
  }
  attr(out, "seed") <- seed
  out
}
