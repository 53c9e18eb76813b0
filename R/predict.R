#' Predictions from a mixture-of-experts fit
#'
#' Predictions of a [moe()] fit (or of a model read by [read_moe()]) at the data it was fitted to
#' or at `newdata`.
#'
#' The types are
#' * `"response"`: the conditional mean \eqn{E(y | x, z) = \sum_k g_k(z) \mu_k(x)}{E(y | x, z) =
#'   sum_k g_k(z) mu_k(x)};
#' * `"gate"`: the gate weights \eqn{g_k(z)}, an n x K matrix;
#' * `"posterior"`: the posterior membership probabilities given the response, an n x K matrix;
#' * `"density"`: the mixture density \eqn{p(y | x, z)} at the observed response;
#' * `"experts"`: every expert's mean \eqn{\mu_k(x)}, an n x K matrix;
#' * `"branch"` (hierarchical models, `moe(tree = )`): the probability of every branch below the root
#'   of the tree, the sum of the gate weights of its experts, one column `Branch.<path>` per branch
#'   (`Branch.1`, `Branch.2`, `Branch.1.2`, ...; paths number the branches from the root, depth first).
#' * `"probabilities"` (multinomial experts): the class probabilities
#'   \eqn{P(y = c | x, z) = \sum_k g_k(z) P_k(y = c | x)}{P(y = c | x, z) = sum_k g_k(z) P_k(y = c | x)},
#'   an n x C matrix with the classes as column names;
#' * `"class"` (multinomial experts): the most probable class, a factor with the fit's classes;
#' * `"covariance"` (mvn experts): the conditional covariance of the mixture,
#'   \eqn{Cov(y | x, z) = \sum_k g_k (S_k + \mu_k \mu_k') - \mu \mu'}{Cov(y | x, z) = sum_k g_k (S_k +
#'   mu_k mu_k') - mu mu'}, a d x d x n array named by the response columns.
#'
#' With mvn experts (a response `cbind(y1, y2, ...)`) `"response"` is an n x d matrix with the
#' response names as columns, and `"experts"` gives the experts' means of the first response column.
#'
#' `"posterior"` and `"density"` need the response in `newdata`. Rows of `newdata` with missing
#' values give `NA`. Factors in `newdata` must have the levels seen in the fit (for a model read from
#' a file, the design columns built from `newdata` must match the model's term names).
#'
#' @param object A `"moe"` object from [moe()] or [read_moe()].
#' @param newdata A data frame with the covariates (and the response for `"posterior"` and
#'   `"density"`). If omitted, the data the model was fitted to; a model read from a file stores
#'   none, so `newdata` is then required.
#' @param type The kind of prediction (see Details).
#' @param ... Ignored.
#' @return For `"response"` and `"density"` a numeric vector, for `"class"` a factor, for
#'   `"probabilities"` an n x C matrix with the classes as columns, otherwise an n x K matrix with
#'   columns `Comp.1`, `Comp.2`, ...; one row per row of `newdata`.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' new <- data.frame(stretchratio = c(1.5, 2, 2.5))
#' predict(fit, new)
#' predict(fit, new, type = "gate")
#' predict(fit, new, type = "experts")
#' head(predict(fit, tonedata, type = "posterior"))
#' @export
predict.moe <- function(object, newdata,
                        type = c("response", "gate", "posterior", "density", "experts",
                                 "probabilities", "class", "branch", "covariance"), ...) {
  type <- match.arg(type)
  if (type == "covariance" && is.null(object$responses)) {
    stop(sprintf("type = \"covariance\" needs mvn experts, but this model has %s experts", object$expert),
         call. = FALSE)
  }
  if (type %in% c("probabilities", "class")) return(predict_classes(object, newdata, type))
  if (type == "branch") return(predict_branches(object, newdata))
  needs_response <- type %in% c("posterior", "density")
  if (missing(newdata) || is.null(newdata)) {
    if (!has_data(object)) stop_no_data("predict() without newdata")
    if (type == "response") return(stats::fitted(object))
    design <- stored_design(object)
    return(stats::napredict(object$na.action, core_predict(object, design, type, sys.call())))
  }
  core_predict(object, moe_design(object, newdata, needs_response), type, sys.call())
}

# The designs and response the model was fitted to, in the form moe_design() returns.
stored_design <- function(object) {
  list(expert = object$x$expert, gate = object$x$gate, y = object$y,
       rows = rownames(object$x$expert), offset = object$offset)
}

# The designs (and, if asked for, the response) of `newdata` for the model `object`.
moe_design <- function(object, newdata, response = FALSE) {
  if (is.null(object$terms)) {
    stop(sprintf("R cannot build designs from the model's formula '%s'", object$formula_text),
         call. = FALSE)
  }
  if (!is.data.frame(newdata) && !is.list(newdata)) {
    stop("'newdata' must be a data frame", call. = FALSE)
  }
  full <- object$terms$full
  if (!is.null(object$offset_expression)) {
    needed <- all.vars(str2lang(object$offset_expression))
    absent <- setdiff(needed, names(newdata))
    if (length(absent) > 0L) {
      stop(sprintf("the model has the offset %s: newdata needs the column%s %s", object$offset_expression,
                   if (length(absent) > 1L) "s" else "", paste0("'", absent, "'", collapse = ", ")),
           call. = FALSE)
    }
  }
  if (response) {
    missing_vars <- setdiff(all.vars(full[[2L]]), names(newdata))
    if (length(missing_vars) > 0L) {
      stop(sprintf("this prediction needs the response '%s' in newdata", object$response),
           call. = FALSE)
    }
  } else {
    full <- stats::delete.response(full)
  }
  frame <- stats::model.frame(full, newdata, na.action = stats::na.pass, xlev = object$xlevels)
  y <- if (response) stats::model.response(frame)
  if (response && !is.null(object$class_labels)) {
    y <- categorical_codes(y, object$class_labels, object$response)
  }
  if (response && is.matrix(y) && ncol(y) > 1L) storage.mode(y) <- "double" else if (response) y <- as.numeric(y)
  design <- list(rows = rownames(frame), y = if (response) y)
  if (!is.null(object$offset_expression)) design$offset <- as.numeric(stats::model.offset(frame))
  for (part in c("expert", "gate")) {
    x <- stats::model.matrix(object$terms[[part]], frame, contrasts.arg = object$contrasts[[part]])
    expected <- object$terms_names[[part]]
    if (!identical(colnames(x), expected)) {
      stop(sprintf(paste0("the %s design built from newdata has the columns (%s) but the model ",
                          "has (%s): do the factor levels in newdata match the fit?"), part,
                   paste(colnames(x), collapse = ", "), paste(expected, collapse = ", ")),
           call. = FALSE)
    }
    design[[part]] <- strip_design(x)
  }
  design
}

# Predictions by the core on the complete rows of `design`; the other rows get NA.
core_predict <- function(object, design, type, call) {
  columns <- list(design$expert, design$gate)
  uses_response <- type %in% c("posterior", "density")
  if (uses_response) columns <- c(columns, list(design$y))
  if (!is.null(design$offset)) columns <- c(columns, list(design$offset))
  ok <- do.call(stats::complete.cases, columns)
  y <- if (!uses_response) numeric(0) else if (is.matrix(design$y)) design$y[ok, , drop = FALSE] else design$y[ok]
  offset <- if (is.null(design$offset)) numeric(0) else as.numeric(design$offset[ok])
  value <- call_core(moe_predict_cpp(object$json, y, design$expert[ok, , drop = FALSE],
                                     design$gate[ok, , drop = FALSE], type, offset), call)
  n <- length(ok)
  if (type == "covariance") {
    # mvn experts: Cov(y | x) of the mixture, a d x d x n array with the response names.
    d <- length(object$responses)
    out <- array(NA_real_, c(d, d, n), dimnames = list(object$responses, object$responses, design$rows))
    out[, , ok] <- value
    return(out)
  }
  if (type == "response" && is.matrix(value)) {
    out <- matrix(NA_real_, n, ncol(value), dimnames = list(design$rows, object$responses))
    out[ok, ] <- value
    return(out)
  }
  if (type %in% c("response", "density")) {
    out <- rep(NA_real_, n)
    out[ok] <- value
    return(stats::setNames(out, design$rows))
  }
  out <- matrix(NA_real_, n, ncol(value))
  out[ok, ] <- value
  if (type == "probabilities") return(class_probability_matrix(out, object$class_labels, design$rows))
  component_matrix(out, design$rows)
}

# Class probabilities (n x C) or the most probable class (a factor) of a multinomial-expert fit.
predict_classes <- function(object, newdata, type) {
  if (is.null(object$class_labels)) {
    stop(sprintf("type = '%s' needs multinomial experts, but this model has %s experts", type,
                 object$expert), call. = FALSE)
  }
  if (missing(newdata) || is.null(newdata)) {
    if (!has_data(object)) stop_no_data("predict() without newdata")
    p <- stats::napredict(object$na.action, object$fitted.values)
  } else {
    p <- core_predict(object, moe_design(object, newdata), "probabilities", sys.call(-1L))
  }
  if (type == "probabilities") return(p)
  best <- apply(p, 1L, function(row) if (anyNA(row)) NA_integer_ else which.max(row))
  stats::setNames(factor(object$class_labels[best], levels = object$class_labels), rownames(p))
}

# Branch probabilities of a tree-gated model: each branch's experts' gate weights summed.
predict_branches <- function(object, newdata) {
  structure <- tree_structure(object)
  if (is.null(structure)) {
    stop(sprintf("type = \"branch\" needs a hierarchical model (moe(tree = )), not a %s gate", object$gate),
         call. = FALSE)
  }
  if (length(structure$branches) == 0L) {
    stop(sprintf("the tree %s has no branch below its root: use type = \"gate\"", structure$shape), call. = FALSE)
  }
  gate <- if (missing(newdata)) predict.moe(object, type = "gate") else predict.moe(object, newdata, type = "gate")
  out <- vapply(structure$branches, function(experts) rowSums(gate[, experts, drop = FALSE]), numeric(nrow(gate)))
  out <- matrix(out, nrow = nrow(gate), dimnames = list(rownames(gate), paste0("Branch.", names(structure$branches))))
  out
}
