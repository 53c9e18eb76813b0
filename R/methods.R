#' Print a mixture-of-experts fit
#'
#' A short display of a [moe()] fit: the call, the gate and expert coefficients, the
#' log-likelihood and how the fit ended. [summary.moe()] says more.
#'
#' @param x A `"moe"` object from [moe()] or [read_moe()].
#' @param digits Significant digits to show.
#' @param ... Ignored.
#' @return `x`, invisibly.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' print(fit)
#' @export
print.moe <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  print_origin(x)
  cat(describe_model(x), "\n\n", sep = "")
  if (is_density_gate(x)) {
    cat("Gate densities of the covariates:\n")
    print_tables(x$coefficients$gate, digits)
  } else if (is_tree_gate(x)) {
    cat(tree_header(x), "\n", sep = "")
    print_tables(x$coefficients$gate, digits)
  } else {
    cat("Gate coefficients (Comp.1 is the reference):\n")
    print(x$coefficients$gate, digits = digits)
  }
  cat("\nExpert parameters:\n")
  print(expert_parameter_matrix(x), digits = digits)
  cat(sprintf("\n%s: %s (df = %d)   status: %s\n", loglik_label(x),
              format(x$logLik, digits = digits + 3L), as.integer(x$df), x$status))
  print_conditional(x, digits)
  invisible(x)
}

#' Summarise a mixture-of-experts fit
#'
#' The coefficient tables of the gate and of every expert, laid out as in [summary.lm()], with the
#' log-likelihood, information criteria, how the fit ended and how many starts reached the best
#' log-likelihood. With standard errors (from the observed information at the estimate) the tables
#' are Wald tables: `Estimate`, `Std. Error`, `z value`, `Pr(>|z|)` (no z test for `sigma`); when the
#' information is not positive definite the summary says so and shows the estimates only.
#'
#' @param object A `"moe"` object from [moe()] or [read_moe()].
#' @param x A `"summary.moe"` object.
#' @param digits Significant digits to show.
#' @param ... Ignored.
#' @return `summary()` returns an object of class `"summary.moe"`: a list with `call`, `gate` (one
#'   one-column `"Estimate"` matrix per non-reference component), `experts` (one per component,
#'   the regression coefficients then `sigma`), `logLik`, `df`, `nobs`, `AIC`, `BIC`, `ICL`
#'   (smaller is better), `status`, `message`, `iterations`, `starts`, `starts_reaching_best`,
#'   `seed` and `gate_cap_hits`. The print method returns its argument invisibly.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' s <- summary(fit)
#' s
#' s$experts$Comp.1
#' @export
summary.moe <- function(object, ...) {
  se <- object$standard_errors
  with_se <- !is.null(se) && isTRUE(se$positive_definite)
  # Estimate alone, or the Wald columns; scale parameters (no null value of 0) get no z or p.
  estimate <- function(values, errors, names, scale = rep(FALSE, length(values))) {
    if (!with_se) return(matrix(values, ncol = 1L, dimnames = list(names, "Estimate")))
    z <- ifelse(scale, NA_real_, values / errors)
    table <- cbind(Estimate = values, `Std. Error` = errors, `z value` = z,
                   `Pr(>|z|)` = 2 * stats::pnorm(-abs(z)))
    rownames(table) <- names
    table
  }
  comps <- component_names(object$K)
  gate <- object$coefficients$gate
  parameters <- expert_parameter_matrix(object)
  errors <- if (with_se) standard_error_matrices(object) else list(gate = gate, experts = parameters)
  scale <- !rownames(parameters) %in% rownames(object$coefficients$experts)
  out <- list(
    call = object$call, header = describe_model(object),
    gate = if (is_density_gate(object)) gate  # density blocks are printed by name, without SEs
           else if (is_tree_gate(object)) tree_gate_tables(object, estimate)
           else stats::setNames(lapply(comps[-1L], function(k) {
             estimate(gate[, k], errors$gate[, k], rownames(gate))
           }), comps[-1L]),
    experts = stats::setNames(lapply(comps, function(k) {
      estimate(parameters[, k], errors$experts[, k], rownames(parameters), scale)
    }), comps),
    se_note = if (is.null(se)) "Standard errors were not computed." else
      if (!with_se) paste0("Standard errors: none (", se$message, ").") else
        if (identical(se$method, "sandwich"))
          "Standard errors from the sandwich estimator H^-1 B H^-1 (robust to misspecification)." else
          "Standard errors from the observed information (finite differences of the analytic gradient).")
  keep <- c("logLik", "df", "nobs", "AIC", "BIC", "ICL", "status", "message", "iterations",
            "starts_reaching_best", "seed", "gate_cap_hits", "solver", "gradient_norm", "em_variant")
  out[keep] <- object[keep]
  out$starts <- length(object$start_loglik)
  out$objective <- object$objective
  out$conditional_logLik <- object$conditional_logLik
  out$density_gate <- is_density_gate(object)
  out$tree_header <- if (is_tree_gate(object)) tree_header(object)
  out$diagnostics <- object$diagnostics
  out$created_by <- object$created_by
  out$formula_text <- object$formula_text
  class(out) <- "summary.moe"
  out
}

#' @rdname summary.moe
#' @export
print.summary.moe <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  print_origin(x)
  cat(x$header, "\n", sep = "")
  if (isTRUE(x$density_gate)) {
    cat("\nGate densities of the covariates (the fit maximised the joint likelihood of x and y):\n")
    print_tables(x$gate, digits)
  } else if (!is.null(x$tree_header)) {
    cat("\n", x$tree_header, "\n", sep = "")
    print_tables(x$gate, digits)
  } else if (length(x$gate) > 0L) {
    cat("\nGate coefficients (softmax; Comp.1 is the reference, its coefficients are 0):\n")
    print_tables(x$gate, digits)
  } else {
    cat("\nGate: a single component has weight 1.\n")
  }
  cat("\nExpert parameters:\n")
  print_tables(x$experts, digits)
  cat(x$se_note, "\n\n", sep = "")
  cat(sprintf("%s: %s (df = %d), n = %d\n", loglik_label(x), format(x$logLik, digits = digits + 4L),
              as.integer(x$df), as.integer(x$nobs)))
  print_conditional(x, digits + 1L)
  cat(sprintf("AIC: %s   BIC: %s   ICL: %s   (smaller is better)\n",
              format(x$AIC, digits = digits + 3L), format(x$BIC, digits = digits + 3L),
              format(x$ICL, digits = digits + 3L)))
  cat(sprintf("Status: %s after %d EM iteration%s", x$status, as.integer(x$iterations),
              if (x$iterations == 1L) "" else "s"))
  if (nzchar(x$message)) cat(" (", x$message, ")", sep = "")
  cat("\n")
  if (!is.null(x$solver) && !is.na(x$gradient_norm)) {
    cat(sprintf("Solver: %s%s; max |gradient of l/n| at the estimate: %s\n", x$solver,
                if (!is.null(x$em_variant) && x$em_variant != "standard") paste0(" (", x$em_variant, " EM)") else "",
                format(x$gradient_norm, digits = 3L)))
  }
  if (x$starts > 0L) {
    cat(sprintf("Starts: %d of %d reached the best log-likelihood (seed %s)\n",
                as.integer(x$starts_reaching_best), as.integer(x$starts),
                format(x$seed, scientific = FALSE)))
  }
  d <- x$diagnostics
  if (!is.null(d)) {
    cat(sprintf(paste0("Convergence: rate %s (log-likelihood), %s (parameters), missing information %s;",
                       " Aitken's limit %s\n"),
                format(d$loglik_rate, digits = 3L), format(d$parameter_rate, digits = 3L),
                format(d$missing_information_rate, digits = 3L),
                format(d$aitken_loglik, digits = digits + 4L)))
    if (nzchar(d$note)) cat(if (isTRUE(d$rate_near_one)) "Warning: " else "  ", d$note, "\n", sep = "")
  }
  if (x$gate_cap_hits > 0L) {
    cat(sprintf("Note: the gate's Newton loop hit its cap in %d M-step(s).\n",
                as.integer(x$gate_cap_hits)))
  }
  invisible(x)
}

# "Log-likelihood", or which one for a fit on the joint likelihood.
loglik_label <- function(x) {
  if (identical(x$objective, "joint")) "Joint log-likelihood of (x, y), maximised" else "Log-likelihood"
}

print_conditional <- function(x, digits) {
  if (identical(x$objective, "joint")) {
    cat(sprintf("Conditional log-likelihood of y given x: %s (not maximised; AIC and BIC use the joint one)\n",
                format(x$conditional_logLik, digits = digits + 3L)))
  }
}

print_origin <- function(x) {
  if (!is.null(x$call)) {
    cat("Call:\n", paste(deparse(x$call), collapse = "\n"), "\n\n", sep = "")
  } else {
    cat("Formula: ", x$formula_text, "\n", sep = "")
    cat("Read from a model file written by ", x$created_by, "\n\n", sep = "")
  }
}

print_tables <- function(tables, digits) {
  for (name in names(tables)) {
    cat(name, ":\n", sep = "")
    print(tables[[name]], digits = digits)
  }
}

describe_model <- function(x) {
  sprintf("Mixture of %d %s expert%s with a %s gate, n = %d", as.integer(x$K), x$expert,
          if (x$K == 1L) "" else "s", x$gate, as.integer(x$nobs))
}

# Expert regression coefficients with the scalar parameters (sigma, ...) as extra rows.
# The standard errors shaped as object$coefficients$gate (q x K, NA for the reference) and as
# expert_parameter_matrix() (coefficients, then scale rows).
standard_error_matrices <- function(object) {
  se <- object$standard_errors
  gate <- object$coefficients$gate
  # The gate's errors in the layout of coef()'s gate matrix: a coefficient matrix for softmax-type
  # gates, bias over centres for distance gates; density gates print their blocks without errors.
  gate_se <- if (!is.null(se$gate$coefficients)) se$gate$coefficients
             else if (!is.null(se$gate$centres)) rbind(as.vector(se$gate$bias),
                                                       matrix(se$gate$centres, ncol = ncol(gate)))
  gate_se <- if (!is.matrix(gate)) NULL
             else if (length(gate_se) == length(gate)) matrix(gate_se, nrow = nrow(gate), dimnames = dimnames(gate))
             else gate * NA_real_
  parameters <- expert_parameter_matrix(object)
  experts <- vapply(se$experts, function(blocks) {
    unlist(lapply(names(blocks), function(name) {
      if (name == "covariance") covariance_entries(blocks[[name]]) else as.vector(blocks[[name]])
    }))
  }, numeric(nrow(parameters)))
  experts <- matrix(experts, nrow = nrow(parameters), dimnames = dimnames(parameters))
  list(gate = gate_se, experts = experts)
}

#' @rdname moe-accessors
#' @export
vcov.moe <- function(object, type = NULL, ...) {
  se <- object$standard_errors
  if (is.null(se)) stop("this fit has no standard errors", call. = FALSE)
  if (identical(se$method, "none")) {
    stop("this fit has no standard errors (se = none was asked for); refit with ",
         "control = moe_control(se = \"observed\")", call. = FALSE)
  }
  computed <- if (is.null(se$method)) "observed" else se$method
  if (is.null(type)) type <- computed
  if (!is.character(type) || length(type) != 1L || !type %in% c("observed", "sandwich")) {
    stop("'type' must be \"observed\" or \"sandwich\"", call. = FALSE)
  }
  if (!isTRUE(se$positive_definite)) stop(se$message, call. = FALSE)
  v <- if (type == computed) se$vcov else if (type == "observed") se$observed_vcov
  if (is.null(v)) {
    stop("this fit computed observed-information standard errors only; refit with ",
         "control = moe_control(se = \"sandwich\") for the sandwich covariance", call. = FALSE)
  }
  labels <- unlist(se$labels)
  if (!is.null(object$responses) && length(labels) == nrow(v)) {
    # mvn experts: each covariance entry once (its upper triangle), as in coef().
    index <- regmatches(labels, regexec("\\.covariance\\[([0-9]+),([0-9]+)\\]$", labels))
    keep <- vapply(index, function(m) length(m) < 3L || as.integer(m[2L]) <= as.integer(m[3L]), logical(1))
    v <- v[keep, keep, drop = FALSE]
    labels <- labels[keep]
  }
  names <- names(coef(object))
  if (length(names) != nrow(v)) names <- labels
  dimnames(v) <- list(names, names)
  v
}

expert_parameter_matrix <- function(object) {
  scalars <- setdiff(names(object$coefficients), c("gate", "experts"))
  rbind(object$coefficients$experts, do.call(rbind, object$coefficients[scalars]))
}

#' Parameters, likelihood and fitted values of a mixture-of-experts fit
#'
#' Accessors for a [moe()] fit, as for [lm()] and [glm()] fits.
#'
#' `coef()` returns the estimated parameters as one named vector: the gate coefficients of
#' components 2..K (component 1 is the reference, fixed at zero) named `gate:Comp.k:term`, then for
#' every component its regression coefficients `expert:Comp.k:term` and its standard deviation
#' `expert:Comp.k:sigma`. Its length is the number of free parameters, `attr(logLik(object), "df")`.
#' The same parameters as matrices are in `object$coefficients`.
#'
#' `vcov()` is the covariance matrix of `coef()` from the observed information at the estimate
#' (finite differences of the analytic gradient, then the delta method to the natural parameters); it
#' is an error, with the reason, when the information is not positive definite. A fit with
#' `moe_control(se = "sandwich")` reports the sandwich covariance \eqn{H^{-1} B H^{-1}} (B the sum of
#' the outer products of the per-observation scores) by default and keeps the observed one too:
#' `vcov(fit, type = "observed")` or `type = "sandwich"` chooses; asking an observed-only fit for the
#' sandwich is an error that says how to refit.
#'
#' `logLik()` has the `df` and `nobs` attributes that [AIC()] and [BIC()] need (smaller is
#' better). `fitted()` is the conditional mean \eqn{E(y | x, z) = \sum_k g_k(z) x'\beta_k}{E(y | x, z)
#' = sum_k g_k(z) x'beta_k} and `residuals()` is `y` minus it; with `na.action = na.exclude` both
#' are padded with `NA` as for [lm()]. A model read by [read_moe()] stores no data, so `fitted()`
#' and `residuals()` are errors there; use [predict.moe()] with `newdata`.
#'
#' @param object A `"moe"` object from [moe()] or [read_moe()].
#' @param type For `vcov()`: `"observed"` or `"sandwich"`; `NULL` (the default) is the type the fit
#'   computed (`moe_control(se =)`).
#' @param ... Ignored.
#' @return `coef()`: a named numeric vector. `logLik()`: an object of class `"logLik"`. `nobs()`: the
#'   number of observations. `fitted()`, `residuals()`: numeric vectors, one value per row.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' coef(fit)
#' fit$coefficients$experts
#' logLik(fit)
#' c(AIC = AIC(fit), BIC = BIC(fit), n = nobs(fit))
#' head(fitted(fit))
#' head(residuals(fit))
#' sqrt(diag(vcov(fit)))
#' @name moe-accessors
NULL

#' @rdname moe-accessors
#' @export
coef.moe <- function(object, ...) {
  if (is_density_gate(object)) return(density_gate_coef(object))
  if (is_tree_gate(object)) return(density_gate_coef(object, tree_free_blocks(object)))
  gate <- object$coefficients$gate[, -1L, drop = FALSE]
  parameters <- expert_parameter_matrix(object)
  # Names by component, then term: rep() keeps the column-major order of as.vector().
  label <- function(prefix, m) {
    paste0(prefix, rep(colnames(m), each = nrow(m)), ":", rep(rownames(m), times = ncol(m)))
  }
  values <- c(as.vector(gate), as.vector(parameters))
  names <- c(if (ncol(gate) > 0L) label("gate:", gate), label("expert:", parameters))
  if (startsWith(object$gate, "laplace") && object$K > 1L) {
    # Every Laplace centre is free, Comp.1's too (only its bias is fixed at 0).
    first <- object$coefficients$gate[-1L, 1L, drop = FALSE]
    values <- c(as.vector(first), values)
    names <- c(label("gate:", first), names)
  }
  stats::setNames(values, names)
}

#' @rdname moe-accessors
#' @export
logLik.moe <- function(object, ...) {
  structure(object$logLik, df = object$df, nobs = object$nobs, class = "logLik")
}

#' @rdname moe-accessors
#' @export
nobs.moe <- function(object, ...) object$nobs

#' @rdname moe-accessors
#' @export
fitted.moe <- function(object, ...) {
  if (!has_data(object)) stop_no_data("fitted()")
  stats::napredict(object$na.action, object$fitted.values)
}

#' @rdname moe-accessors
#' @export
residuals.moe <- function(object, ...) {
  if (!has_data(object)) stop_no_data("residuals()")
  stats::naresid(object$na.action, object$residuals)
}

# coef() for a density gate: every gate block flattened (gate:block:Comp.k:row), then the experts as
# for softmax gates. Covariance matrices are symmetric, so this holds more values than df counts.
density_gate_coef <- function(object, gate = object$coefficients$gate) {
  parameters <- expert_parameter_matrix(object)
  values <- unlist(lapply(gate, as.vector), use.names = FALSE)
  names <- unlist(lapply(names(gate), function(name) {
    m <- gate[[name]]
    cols <- if (is.null(colnames(m))) seq_len(ncol(m)) else colnames(m)
    rows <- if (is.null(rownames(m))) seq_len(nrow(m)) else rownames(m)
    paste0("gate:", name, ":", rep(cols, each = nrow(m)), ":", rep(rows, times = ncol(m)))
  }))
  expert <- paste0("expert:", rep(colnames(parameters), each = nrow(parameters)), ":",
                   rep(rownames(parameters), times = ncol(parameters)))
  stats::setNames(c(values, as.vector(parameters)), c(names, expert))
}

# A tree gate (moe(tree = )): its shape and what its node tables mean.
tree_header <- function(x) {
  sprintf(paste0("Gate tree %s: a %s gate at each of its %d nodes; an expert's weight is the product ",
                 "of the node weights along its path (the first child of each node is its reference):"),
          tree_structure(x)$shape, sub("^.*node[s]? = ([^,]+)[,)].*$", "\\1", x$gate),
          length(tree_structure(x)$nodes))
}

# The tree gate's blocks without each coefficient block's reference column (always 0).
tree_free_blocks <- function(object) {
  gate <- object$coefficients$gate
  for (name in names(gate)) {
    if (endsWith(name, ":coefficients")) gate[[name]] <- gate[[name]][, -1L, drop = FALSE]
  }
  gate
}

# One Wald (or estimate) table per free column of every node block, named "<node>:<block> <child>".
tree_gate_tables <- function(object, estimate) {
  gate <- tree_free_blocks(object)
  se <- object$standard_errors$gate
  tables <- list()
  for (name in names(gate)) {
    value <- gate[[name]]
    errors <- se[[name]]
    errors <- if (length(errors) == length(object$coefficients$gate[[name]])) {
      as.matrix(errors)[, ncol(as.matrix(errors)) - rev(seq_len(ncol(value))) + 1L, drop = FALSE]
    } else value * NA_real_
    rows <- if (is.null(rownames(value))) paste0("[", seq_len(nrow(value)), "]") else rownames(value)
    for (j in seq_len(ncol(value))) {
      child <- if (is.null(colnames(value))) j else colnames(value)[j]
      tables[[paste(name, child)]] <- estimate(value[, j], errors[, j], rows)
    }
  }
  tables
}
