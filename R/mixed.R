# Mixed-effects mixtures of experts: a random-effect term `(1 | group)` in moe()'s formula.

#' Mixed-effects mixtures of experts
#'
#' A term `(1 | g)` in [moe()]'s formula adds group random intercepts, for the groups given by the
#' variable `g`. Where they enter depends on the part of the formula holding the term (or on
#' `random`):
#' \describe{
#'   \item{gate part, `y ~ x | z + (1 | g)`}{random effects in the gate (Fung and Tseung 2025):
#'     \eqn{g_k(z_{ij}, u_i) = softmax_k(\alpha_k'z_{ij} + \beta_k'u_i)}{g_k = softmax_k(alpha_k'z +
#'     beta_k'u_i)}, \eqn{u_i \sim N(0, I_d)}{u_i ~ N(0, I_d)}, component 1's loading fixed at 0, the
#'     experts free of random effects. The group likelihood is integrated by adaptive Gauss-Hermite
#'     quadrature (`quadrature` nodes per dimension, tensor grids for `dimension` up to 3, each
#'     group's grid centred and scaled at its posterior) or by Monte Carlo EM (`monte_carlo` draws
#'     per group, and always beyond 3 dimensions). The loadings are the gate rows `u.1`, ...; the
#'     variance of component k's random logit shift is \eqn{|\beta_k|^2}{|beta_k|^2}.}
#'   \item{expert part, `y ~ x + (1 | g) | w`}{random effects in Gaussian experts (the model of
#'     flexmix's `FLXMRlmm` and mixtools' `regmixEM.mixed`): a whole group belongs to one component,
#'     \eqn{y_i | z_i = k \sim N(X_i\beta_k, Z_i R_k Z_i' + \sigma_k^2 I)}{y_i | z_i = k ~ N(X_i
#'     beta_k, Z_i R_k Z_i' + sigma_k^2 I)}, where \eqn{Z_i} is the design of the term's left side
#'     (`(1 | g)` random intercepts, `(x | g)` random intercepts and slopes). The gate may use
#'     group-level covariates only (default `| 1`: constant mixing weights). EM with closed-form
#'     steps, each iteration followed by a generalized-least-squares cycle for the fixed effects (AECM).}
#' }
#' Random slopes in the gate: `y ~ x | z + (1 + z | g)` makes the random terms \eqn{w_{ij} = (1,
#' z_{ij})}{w_ij = (1, z_ij)} multiply u: component k's logit gains \eqn{\sum_m w_{ijm} a_{km}'u_i}{sum_m
#' w_ijm a_km'u_i}, so its random intercept and slope have covariance \eqn{A_k A_k'}{A_k A_k'}; `dimension`
#' defaults to the number of random terms (2 here: a 15 x 15 grid per group, `mixed = list(quadrature
#' = 7)` is usually enough). After the fit u is rotated so that the loading matrix has a
#' lower-triangular top block (the loading of `u.2` on component 2's intercept is 0). Each group needs
#' two rows or more, and a slope variable must vary within some group. It need not be in the gate
#' formula (its random slope then has mean 0, as in lme4).
#'
#' Standard errors (the Wald table of [summary()], [vcov()]) come from the observed information of
#' the marginal (integrated) log-likelihood at the estimate: central second differences of its values
#' (the gate placement's integral on the final adaptive grids or Monte Carlo draws; the expert
#' placement's exact Gaussian integral, in the coordinates beta, log sigma and the Cholesky factor of
#' \eqn{R_k}{R_k} with log diagonal), then the delta method. `VarCorr()` prints the variance
#' components with their standard errors (`Std.Err.Var`, also `attr(VarCorr(fit), "se")`). Sandwich
#' standard errors are refused (rows within a group are dependent).
#' Predictions: [predict.moe_mixed()] (population level or conditional on the groups' random effects).
#'
#' @name moe_mixed
#' @param object A fit of [moe()] with a random-effect term.
#' @param ... Unused.
#' @return `ranef()`: a data frame, one row per group, with the posterior means of the random
#'   effects (and, as attributes `sd` and `posterior`, their posterior standard deviations and the
#'   group posteriors: P(z_i = k | y_i) in the expert placement, the mean member responsibility in the
#'   gate placement). `VarCorr()`: the variance components (per component for the expert placement;
#'   for the gate placement one matrix over all components' random terms, rows `Comp.k:term` with
#'   random slopes), their standard errors as attribute `se`.
#' @examples
#' set.seed(1)
#' g <- rep(1:40, each = 10)
#' b <- rnorm(40)[g]
#' x <- runif(400)
#' k <- rbinom(400, 1, plogis(b))
#' d <- data.frame(y = ifelse(k == 1, 2 - x, -2 + x) + rnorm(400, sd = 0.5), x = x, school = g)
#' fit <- moe(y ~ x | 1 + (1 | school), data = d, K = 2, seed = 1, starts = 2)
#' VarCorr(fit)
#' head(ranef(fit))
NULL

# The random-effect terms of `formula`: NULL when it has none, otherwise the formula without them,
# the group variable, the term's left side and the part holding it.
moe_random_terms <- function(formula, random = NULL) {
  if (!inherits(formula, "formula") || length(formula) != 3L) return(NULL)
  found <- list()
  strip <- function(e, part) {
    if (is.call(e) && identical(e[[1L]], as.name("(")) && is.call(e[[2L]]) &&
        identical(e[[2L]][[1L]], as.name("|"))) {
      found[[length(found) + 1L]] <<- list(lhs = e[[2L]][[2L]], group = e[[2L]][[3L]], part = part)
      return(NULL)
    }
    if (is.call(e) && identical(e[[1L]], as.name("+"))) {
      args <- Filter(Negate(is.null), lapply(as.list(e)[-1L], strip, part = part))
      if (length(args) == 0L) return(NULL)
      if (length(args) == 1L) return(args[[1L]])
      return(as.call(c(as.name("+"), args)))
    }
    e
  }
  rhs <- formula[[3L]]
  two_parts <- is.call(rhs) && identical(rhs[[1L]], as.name("|"))
  expert <- strip(if (two_parts) rhs[[2L]] else rhs, "expert")
  gate <- if (two_parts) strip(rhs[[3L]], "gate") else NULL
  if (length(found) == 0L) {
    if (!is.null(random)) stop("'random' needs a random-effect term such as (1 | group) in the formula", call. = FALSE)
    return(NULL)
  }
  if (length(found) > 1L) stop("the formula may hold one random-effect term (1 | group) only", call. = FALSE)
  term <- found[[1L]]
  if (!is.name(term$group)) {
    stop(sprintf("the grouping of a random-effect term must be one variable (got '%s')", deparse(term$group)),
         call. = FALSE)
  }
  placement <- if (is.null(random)) term$part else match.arg(random, c("gate", "expert"))
  if (is.null(expert)) expert <- 1
  if (is.null(gate)) gate <- if (two_parts || placement == "expert") 1 else expert
  formula[[3L]] <- call("|", expert, gate)
  list(formula = formula, group = as.character(term$group), lhs = term$lhs, placement = placement)
}

# Fit a mixed-effects MoE (called by moe() when the formula holds a random-effect term).
moe_mixed <- function(re, data, K, expert, gate, starts, seed, control, action, call, mixed) {
  if (!is.data.frame(data)) stop("a random-effect term needs 'data' as a data frame", call. = FALSE)
  if (!re$group %in% names(data)) {
    stop(sprintf("the group variable '%s' is not a column of 'data'", re$group), call. = FALSE)
  }
  mixed <- utils::modifyList(list(quadrature = 15L, dimension = 0L, monte_carlo = 0L,
                                  common_variance = FALSE, fix_zero = FALSE), as.list(mixed))
  group_all <- data[[re$group]]
  missing <- is.na(group_all) | (is.character(group_all) & !nzchar(trimws(group_all)))
  if (any(missing)) {
    stop(sprintf("the group variable '%s' has a missing value (NA or empty) in row %d", re$group,
                 which(missing)[1L]), call. = FALSE)
  }
  built <- moe_frame(re$formula, data, action)
  rows <- match(rownames(built$model), rownames(data))
  kept <- data[rows, , drop = FALSE]
  labels <- sort(unique(as.character(group_all[rows])))
  ids <- match(as.character(group_all[rows]), labels) - 1L
  z <- stats::model.matrix(stats::as.formula(call("~", re$lhs)), data = kept)
  attr(z, "assign") <- NULL
  seed <- resolve_seed(seed)
  options <- c(unclass(control), list(starts = as.integer(starts), partition = integer(0)))
  settings <- list(placement = re$placement, quadrature = as.integer(mixed$quadrature),
                   dimension = if (is.null(mixed$dimension)) 0L else as.integer(mixed$dimension), monte_carlo = as.integer(mixed$monte_carlo),
                   common_variance = isTRUE(mixed$common_variance), fix_zero = isTRUE(mixed$fix_zero))
  result <- call_core(moe_mixed_fit_cpp(built$y, built$x$expert, built$x$gate, z, as.integer(ids), labels,
                                        as.integer(K), expert, gate, options, seed, re$group, settings,
                                        built$formula_text, built$response), call)
  for (note in result$messages) message("moe: ", note)
  if (result$interrupted) signal_interrupt(call)
  object <- moe_from_json(result$json, built$formula)
  fields <- list(call = call, terms = built$terms, xlevels = built$xlevels,
                 contrasts = built$contrasts, na.action = attr(built$model, "na.action"),
                 model = built$model, x = built$x, y = built$y, data = built$data, control = control)
  object[names(fields)] <- fields
  names(result$fitted) <- rownames(built$model)
  object$fitted.values <- result$fitted
  object$residuals <- built$y - result$fitted
  object$posterior <- component_matrix(result$posterior, rownames(built$model))
  random <- result$random
  random$z <- z
  random$lhs <- re$lhs
  random$group_ids <- ids + 1L
  dimnames(random$ranef) <- dimnames(random$ranef_sd) <- list(random$groups, random$terms)
  random$group_posterior <- component_matrix(random$group_posterior, random$groups)
  object$random <- random
  class(object) <- c("moe_mixed", "moe")
  if (object$status != "converged") {
    warning(sprintf("moe: the fit ended with status '%s': %s", object$status, object$message), call. = FALSE)
  }
  object
}

#' @rdname moe_mixed
#' @importFrom nlme ranef
#' @export
ranef.moe_mixed <- function(object, ...) {
  out <- as.data.frame(object$random$ranef, check.names = FALSE)
  attr(out, "sd") <- object$random$ranef_sd
  attr(out, "posterior") <- object$random$group_posterior
  out
}

#' @rdname moe_mixed
#' @importFrom nlme VarCorr
#' @export
VarCorr.moe_mixed <- function(x, sigma = 1, ...) {
  r <- x$random
  comps <- component_names(x$K)
  se <- r$variance_se
  if (r$placement == "gate") {
    # One (K r) x (K r) covariance of every component's random logit effects (intercept, slopes).
    terms <- if (is.null(r$design_terms)) "(Intercept)" else r$design_terms
    v <- as.matrix(r$variance[[1L]])
    names <- if (length(terms) == 1L) comps else paste(rep(comps, each = length(terms)), terms, sep = ":")
    dimnames(v) <- list(names, names)
    out <- list(logit = v)
    if (length(se) > 0L) {
      s <- as.matrix(se[[1L]])
      dimnames(s) <- dimnames(v)
      attr(out, "se") <- list(logit = s)
    }
    attr(out, "terms") <- terms
  } else {
    out <- stats::setNames(lapply(r$variance, function(v) {
      v <- as.matrix(v)
      dimnames(v) <- list(r$terms, r$terms)
      v
    }), comps)
    if (length(se) > 0L) {
      attr(out, "se") <- stats::setNames(lapply(se, function(s) {
        s <- as.matrix(s)
        dimnames(s) <- list(r$terms, r$terms)
        s
      }), comps)
    }
  }
  structure(out, placement = r$placement, sigma = x$coefficients$sigma, class = "VarCorr.moe")
}

#' @export
print.VarCorr.moe <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat(varcorr_text(x, digits), sep = "\n")
  invisible(x)
}

# Variance components as text lines, in the manner of lme4's VarCorr.
varcorr_text <- function(x, digits) {
  fmt <- function(v) format(signif(v, digits))
  se <- attr(x, "se")
  # The standard errors of the variances (observed information of the marginal likelihood).
  with_se <- function(table, s) {
    if (!is.null(s)) table$Std.Err.Var <- fmt(diag(s)[seq_len(nrow(table)) + (nrow(s) - nrow(table))])
    table
  }
  if (attr(x, "placement") == "gate") {
    v <- x$logit
    terms <- attr(x, "terms")
    r <- if (is.null(terms)) 1L else length(terms)
    k <- seq_len(nrow(v))[-seq_len(r)]
    table <- data.frame(Component = rownames(v)[k], Variance = fmt(diag(v)[k]), Std.Dev. = fmt(sqrt(diag(v)[k])))
    table <- with_se(table, se$logit)
    lines <- c("Random logit shifts against Comp.1 (gate):", utils::capture.output(print(table, row.names = FALSE)))
    if (r > 1L) {
      corr <- stats::cov2cor(v[k, k, drop = FALSE] + diag(1e-300, length(k)))
      for (c in seq(1L, length(k), by = r)) {
        block <- corr[c:(c + r - 1L), c:(c + r - 1L), drop = FALSE]
        lines <- c(lines, sprintf("Correlation of %s: %s", paste(rownames(block), collapse = ", "),
                                  paste(fmt(block[lower.tri(block)]), collapse = " ")))
      }
    }
    return(lines)
  }
  lines <- "Random effects in the experts (per component):"
  for (comp in names(x)) {
    v <- x[[comp]]
    table <- data.frame(Term = rownames(v), Variance = fmt(diag(v)), Std.Dev. = fmt(sqrt(diag(v))))
    table <- with_se(table, se[[comp]])
    lines <- c(lines, paste0(comp, ":"), utils::capture.output(print(table, row.names = FALSE)))
  }
  c(lines, paste("Residual std. dev.:", paste(fmt(attr(x, "sigma")), collapse = " ")))
}

#' @export
print.moe_mixed <- function(x, ...) {
  NextMethod()
  r <- x$random
  cat(sprintf("\nRandom effects in the %s, %d groups of '%s'", r$placement, length(r$groups), r$group))
  if (r$placement == "gate") {
    cat(sprintf(" (%s, %d nodes per group)", r$integration, as.integer(r$nodes_per_group)))
  }
  cat("\n")
  print(VarCorr(x))
  invisible(x)
}

#' @export
summary.moe_mixed <- function(object, ...) {
  out <- NextMethod()
  if (isTRUE(object$standard_errors$positive_definite)) {
    out$se_note <- paste("Standard errors from the observed information of the marginal (integrated)",
                         "log-likelihood (finite-difference Hessian at the estimate).")
  }
  out$varcorr <- VarCorr(object)
  out$random <- object$random[c("placement", "group", "integration", "nodes_per_group", "quadrature_order")]
  out$random$groups <- length(object$random$groups)
  class(out) <- c("summary.moe_mixed", class(out))
  out
}

#' @export
print.summary.moe_mixed <- function(x, ...) {
  NextMethod()
  r <- x$random
  cat(sprintf("\nRandom effects in the %s: %d groups of '%s'", r$placement, r$groups, r$group))
  if (r$placement == "gate") {
    cat(sprintf("; %s, %d nodes per group%s", r$integration, as.integer(r$nodes_per_group),
                if (r$quadrature_order > 0) sprintf(" (order %d)", as.integer(r$quadrature_order)) else ""))
  }
  cat("\n")
  print(x$varcorr)
  invisible(x)
}

#' Predictions from a mixed-effects mixture of experts
#'
#' Predictions of a [moe()] fit with a random-effect term, at the data it was fitted to or at
#' `newdata`.
#'
#' With `level = "conditional"` (the default) each row uses the predicted random effect of its group
#' (the posterior mean shown by `ranef()`): in the gate placement the gate weights are
#' \eqn{g_k(z, \hat u_i)}{g_k(z, u_i)}; in the expert placement a group seen in the fit keeps its
#' posterior membership \eqn{P(z_i = k | y_i)} and its random effect, so the mean is
#' \eqn{\sum_k P(z_i = k | y_i) x'\beta_k + z'\hat b_i}{sum_k P(z_i = k | y_i) x'beta_k + z'b_i}.
#' Rows of groups that were not in the fit fall back to the population level. With
#' `level = "population"` every random effect is 0 (in the gate placement this is the prediction for
#' a group with an average random effect, not the average over groups).
#'
#' @param object A fit of [moe()] with a random-effect term.
#' @param newdata A data frame with the covariates and, for `level = "conditional"`, the group
#'   column. If omitted, the data the model was fitted to.
#' @param type `"response"` (the mean), `"gate"` (the mixing weights used by the mean, an n x K
#'   matrix) or `"experts"` (each expert's fixed-effect mean \eqn{x'\beta_k}{x'beta_k}).
#' @param level `"conditional"` or `"population"` (see Details).
#' @param ... Ignored.
#' @return A numeric vector (`"response"`) or an n x K matrix, one row per row of `newdata`; rows
#'   with missing covariates give `NA`.
#' @examples
#' set.seed(1)
#' g <- rep(1:40, each = 10)
#' x <- runif(400)
#' k <- rbinom(400, 1, plogis(rnorm(40)[g]))
#' d <- data.frame(y = ifelse(k == 1, 2 - x, -2 + x) + rnorm(400, sd = 0.5), x = x, school = g)
#' fit <- moe(y ~ x | 1 + (1 | school), data = d, K = 2, seed = 1, starts = 2)
#' new <- data.frame(x = c(0.2, 0.2), school = c(1, 99))
#' predict(fit, new)                        # school 99 is new: population level
#' predict(fit, new, level = "population")
#' @export
predict.moe_mixed <- function(object, newdata, type = c("response", "gate", "experts"),
                              level = c("conditional", "population"), ...) {
  type <- match.arg(type)
  level <- match.arg(level)
  r <- object$random
  if (missing(newdata) || is.null(newdata)) {
    if (!has_data(object)) stop_no_data("predict() without newdata")
    design <- stored_design(object)
    z <- r$z
    groups <- r$groups[r$group_ids]
    from_fit <- TRUE
  } else {
    fixed <- object
    if (r$placement == "gate") {
      added <- length(r$terms) * max(1L, length(r$design_terms))
      fixed$terms_names$gate <- utils::head(fixed$terms_names$gate, -added)
    }
    design <- moe_design(fixed, newdata)
    z <- mixed_random_design(object, newdata)
    groups <- if (level == "conditional") mixed_group_labels(object, newdata)
    from_fit <- FALSE
  }
  n <- nrow(design$expert)
  if (level == "population") groups <- rep(NA_character_, n)
  ok <- stats::complete.cases(design$expert, design$gate, z)
  value <- call_core(moe_mixed_predict_cpp(object$json, design$expert[ok, , drop = FALSE],
                                           design$gate[ok, , drop = FALSE], z[ok, , drop = FALSE],
                                           as.character(groups[ok]), type), sys.call())
  if (type == "response") {
    out <- rep(NA_real_, n)
    out[ok] <- value
    out <- stats::setNames(out, design$rows)
  } else {
    out <- matrix(NA_real_, n, ncol(value))
    out[ok, ] <- value
    out <- component_matrix(out, design$rows)
  }
  if (from_fit) stats::napredict(object$na.action, out) else out
}

# The random-effect design of `newdata`: the expert placement's Z, the gate placement's random terms
# (1 and the slopes).
mixed_random_design <- function(object, newdata) {
  r <- object$random
  terms <- if (r$placement == "gate") r$design_terms else r$terms
  if (is.null(terms)) terms <- "(Intercept)"
  if (identical(terms, "(Intercept)")) return(matrix(1, nrow(as.data.frame(newdata)), 1L))
  form <- stats::as.formula(call("~", r$lhs))
  frame <- stats::model.frame(form, newdata, na.action = stats::na.pass)
  z <- stats::model.matrix(form, frame)
  if (!identical(colnames(z), terms)) {
    stop(sprintf("the random-effect design built from newdata has the columns (%s) but the model has (%s)",
                 paste(colnames(z), collapse = ", "), paste(terms, collapse = ", ")), call. = FALSE)
  }
  attr(z, "assign") <- NULL
  z
}

# The group label of every row of `newdata`, for conditional predictions.
mixed_group_labels <- function(object, newdata) {
  column <- object$random$group
  if (!column %in% names(newdata)) {
    stop(sprintf("conditional predictions need the group column '%s' in newdata (or level = \"population\")",
                 column), call. = FALSE)
  }
  g <- newdata[[column]]
  missing <- is.na(g) | (is.character(g) & !nzchar(trimws(g)))
  if (any(missing)) {
    stop(sprintf("the group column '%s' of newdata has a missing value (NA or empty) in row %d", column,
                 which(missing)[1L]), call. = FALSE)
  }
  as.character(g)
}
