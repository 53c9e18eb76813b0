#' Control settings of a mixture-of-experts fit
#'
#' Settings of the EM algorithm used by [moe()]. Every start runs EM until the relative change of
#' the log-likelihood, \eqn{|l_t - l_{t-1}| / |l_{t-1}|}, falls below `tol`, or until `max_iter`
#' iterations; the start with the highest final log-likelihood is kept.
#'
#' @param tol Positive convergence tolerance on the relative change of the log-likelihood.
#' @param max_iter Cap on the EM iterations of each start (a whole number, at least 1).
#' @param variance_floor Expert variances are kept at or above `variance_floor` times the variance
#'   of the response; a fit that ends with a variance at its floor is reported as `"degenerate"`.
#' @param start How starts are formed: `"mixed"` (the first by k-means on the standardised
#'   covariates and response, the others random partitions), `"kmeans"` (all by k-means with
#'   k-means++ seeding), `"random"` (all random partitions) or `"short-em"` (each start the best
#'   of `short_em_runs` EM runs of `short_em_iter` iterations from random partitions, continued to
#'   convergence). Start parameters are given to [moe()] by its own `start` argument.
#' @param short_em_runs,short_em_iter Short EM runs per start and EM iterations of each
#'   (`start = "short-em"`).
#' @param threads Threads running the starts in parallel (0: all cores). The fit is the same for
#'   any number of threads.
#' @param one_step If `TRUE`, exactly one E-step and one M-step from the start parameters given to
#'   [moe()] by `start` (to reproduce an experiment that stopped after one iteration); no standard
#'   errors or rates are computed, as the result is not an optimum.
#' @param gate_max_newton Cap on the Newton iterations of each gate M-step (a whole number, at
#'   least 1); the number of M-steps that hit it is reported.
#' @param gate_steps Newton steps of the gate's M-step in each EM iteration after the first (a
#'   whole number; 0 solves every M-step to convergence). The default, one step with step halving,
#'   is a generalised EM: each step raises the expected complete-data log-likelihood, so the
#'   likelihood still never falls, and it converges to the same estimates in about as many
#'   iterations as exact M-steps, at a fraction of the cost (Newton converges quadratically, so near
#'   the optimum one step is nearly the exact M-step). The first M-step, from the start, is solved,
#'   and so is every M-step of classification and stochastic EM (`em`). Softmax and tree gates
#'   (whose M-step is Newton's method); the others solve every M-step.
#' @param solver `"em"` (EM from every start), `"mle"` (direct maximum likelihood: L-BFGS from
#'   NLopt on the unconstrained parameters, from every start) or `"em+mle"` (EM from every start,
#'   then an L-BFGS polish of the best). The summary reports the largest absolute gradient of
#'   \eqn{l/n} at the estimate next to the log-likelihood stopping test.
#' @param stopping `"relative"` stops EM on the relative change of the log-likelihood; `"aitken"`
#'   when Aitken's asymptotic log-likelihood is within `tol` (relative) of the current one (Boehning
#'   et al. 1994), which does not stop early where EM is slow.
#' @param label_order Order of the components in the result: `"none"` (as the fit left them),
#'   `"expert"` (increasing expert intercept) or `"gate"` (increasing gate intercept), so that fits
#'   and standard errors from different runs are comparable.
#' @param em `"standard"` EM; `"classification"` (CEM, flexmix's `classify = "hard"`): each
#'   observation is assigned to its most probable component before every M-step, which increases the
#'   classification log-likelihood (the trace records it) and stops when the partition settles; or
#'   `"stochastic"` (SEM, flexmix's `classify = "random"`): each observation is assigned to a
#'   component drawn from its responsibilities, with each start's own seed (the same fit for any
#'   number of threads). SEM is a random chain, not monotone (its decreases are not flagged): it runs
#'   all `max_iter` iterations and keeps the last state. Not with `solver = "mle"` or a mixed-effects
#'   fit.
#' @param se Standard errors: `"observed"` (the inverse observed information) or `"sandwich"`
#'   (\eqn{H^{-1} B H^{-1}}, B the sum of the outer products of the per-observation scores), which
#'   stays valid when the experts or the gate are misspecified; see [vcov.moe()]. Not for a
#'   mixed-effects fit (its rows are not independent within a group). `"none"` forms no information
#'   matrix: the fit is faster (at n = 1e5 the information matrices cost more than EM itself), but
#'   carries no standard errors and no fraction of missing information.
#' @param grad_tol L-BFGS stops when the largest absolute gradient of \eqn{l/n} falls below this.
#' @param verbose If `TRUE`, print one line per finished start.
#' @return A list of class `"moe_control"` holding the settings.
#' @seealso [moe()]
#' @examples
#' moe_control(tol = 1e-6, start = "kmeans")
#' @export
moe_control <- function(tol = 1e-8, max_iter = 1000, variance_floor = 1e-6,
                        start = c("mixed", "kmeans", "random", "short-em"), gate_max_newton = 25,
                        gate_steps = 1,
                        solver = c("em", "mle", "em+mle"), grad_tol = 1e-7,
                        stopping = c("relative", "aitken"),
                        label_order = c("none", "expert", "gate"), verbose = FALSE,
                        short_em_runs = 10, short_em_iter = 5, threads = 1, one_step = FALSE,
                        em = c("standard", "classification", "stochastic"),
                        se = c("observed", "sandwich", "none")) {
  solver <- match.arg(solver)
  em <- check_choice(em, "em", c("standard", "classification", "stochastic"), missing(em))
  se <- check_choice(se, "se", c("observed", "sandwich", "none"), missing(se))
  label_order <- match.arg(label_order)
  stopping <- match.arg(stopping)
  check_number(grad_tol, "grad_tol", "a positive number", min = 0, strict = TRUE)
  check_number(tol, "tol", "a positive number", min = 0, strict = TRUE)
  check_number(max_iter, "max_iter", "a whole number of at least 1", min = 1, whole = TRUE)
  check_number(variance_floor, "variance_floor", "a non-negative number", min = 0)
  check_number(gate_max_newton, "gate_max_newton", "a whole number of at least 1", min = 1,
               whole = TRUE)
  check_number(gate_steps, "gate_steps", "a whole number of at least 0 (0: to convergence)", min = 0,
               whole = TRUE)
  check_number(short_em_runs, "short_em_runs", "a whole number of at least 1", min = 1, whole = TRUE)
  check_number(short_em_iter, "short_em_iter", "a whole number of at least 1", min = 1, whole = TRUE)
  check_number(threads, "threads", "a whole number of at least 0 (0: all cores)", min = 0,
               whole = TRUE)
  for (flag in c("verbose", "one_step")) {
    value <- get(flag)
    if (!is.logical(value) || length(value) != 1L || is.na(value)) {
      stop(sprintf("'%s' must be TRUE or FALSE", flag), call. = FALSE)
    }
  }
  structure(list(tol = tol, max_iter = as.integer(max_iter), variance_floor = variance_floor,
                 start = match.arg(start), gate_max_newton = as.integer(gate_max_newton),
                 gate_steps = as.integer(gate_steps),
                 solver = solver, grad_tol = grad_tol, stopping = stopping,
                 label_order = label_order, verbose = verbose,
                 short_em_runs = as.integer(short_em_runs), short_em_iter = as.integer(short_em_iter),
                 threads = as.integer(threads), one_step = one_step, em = em, se = se),
            class = "moe_control")
}

#' @rdname moe_control
#' @param x A `"moe_control"` object.
#' @param ... Ignored.
#' @export
print.moe_control <- function(x, ...) {
  cat("EM control settings of moe():\n")
  utils::str(unclass(x), no.list = TRUE, give.head = FALSE)
  invisible(x)
}

# The one value of `choices` that `value` names (the first when the argument was not given), or a
# clear error naming the argument and its choices.
check_choice <- function(value, name, choices, default) {
  if (default) return(choices[1L])
  if (!is.character(value) || length(value) != 1L || !value %in% choices) {
    shown <- if (length(value) == 1L && is.atomic(value)) format(value) else
      paste("an object of length", length(value))
    stop(sprintf("'%s' must be one of %s (got %s)", name,
                 paste0("\"", choices, "\"", collapse = ", "), shown), call. = FALSE)
  }
  value
}

# Stops unless `value` is one finite number satisfying the bounds; `what` describes what it must be.
check_number <- function(value, name, what, min = -Inf, strict = FALSE, whole = FALSE,
                         max = Inf) {
  ok <- is.numeric(value) && length(value) == 1L && is.finite(value) &&
    (if (strict) value > min else value >= min) && value <= max &&
    (!whole || value == round(value))
  if (!ok) {
    shown <- if (length(value) == 1L && is.atomic(value)) format(value) else
      paste("an object of length", length(value))
    stop(sprintf("'%s' must be %s (got %s)", name, what, shown), call. = FALSE)
  }
  invisible(value)
}

# Runs a call into the C++ core; its errors (moest::InputError and others) become R errors of
# class "moest_error" carrying the core's message and the user's call.
call_core <- function(expr, call) {
  tryCatch(expr, error = function(e) {
    if (!inherits(e, "C++Error")) stop(e)
    stop(structure(class = c("moest_error", "error", "condition"),
                   list(message = conditionMessage(e), call = call)))
  })
}

# A seed for the core: NULL draws one from R's generator, so that set.seed() decides it.
resolve_seed <- function(seed) {
  if (is.null(seed)) return(as.numeric(sample.int(.Machine$integer.max, 1L)))
  check_number(seed, "seed", "a whole number between 0 and 2^53", min = 0, whole = TRUE,
               max = 2^53)
  as.numeric(seed)
}
