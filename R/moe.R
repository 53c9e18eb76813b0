#' Fit a mixture of experts
#'
#' Fits the mixture of experts \deqn{p(y | x, z) = \sum_{k=1}^K g_k(z) f_k(y | x)}{p(y | x, z) =
#' sum_k g_k(z) f_k(y | x)} by the EM algorithm from several starts and keeps the start with the
#' highest log-likelihood. With the default families every expert is a Gaussian linear regression,
#' \eqn{y \sim N(x'\beta_k, \sigma_k^2)}{y ~ N(x'beta_k, sigma_k^2)}, and the gate is a multinomial
#' logit, \eqn{g_k(z) \propto \exp(z'w_k)}{g_k(z) proportional to exp(z'w_k)}, with component 1 as
#' the reference (\eqn{w_1 = 0}), as in flexmix's `FLXPmultinom()`.
#'
#' The formula has up to two parts on its right-hand side, `y ~ x1 + x2 | z1 + z2`: the terms left
#' of `|` form the expert design and the terms right of it the gate design. Without `|` the gate uses
#' the expert terms; `y ~ x | 1` gives a gate without covariates (constant mixing weights). Each
#' design is built by [stats::model.matrix()], so factors, interactions and [stats::poly()] terms
#' work as in [stats::lm()]; character covariates are treated as factors.
#'
#' Rows with missing values (`NA`) are handled by `na.action`; a `NaN` or infinite value is an
#' error, as are a non-numeric or constant response and a singular design (the message names the
#' column). The fit is reproducible: the same `seed` gives the same fit, and with `seed = NULL` a
#' seed is drawn from R's generator, so [set.seed()] decides the fit. Press Ctrl-C (Esc) to
#' interrupt a long fit: `moe()` then signals a condition of class `"interrupt"`.
#'
#' @param formula A two-part formula `response ~ expert terms | gate terms` (see Details).
#' @param data A data frame holding the variables of `formula` (if missing, they are taken from the
#'   formula's environment).
#' @param K The number of components, a positive whole number.
#' @param expert The expert family: `"gaussian"` (linear regression with normal errors), `"t"`
#'   (robust Student-t regression; `"t(nu = 4)"` fixes the degrees of freedom), `"poisson"`
#'   (log-linear counts) or `"multinomial"` (multinomial logistic regression for a factor,
#'   character, logical or whole-number response; the first class is the reference, the classes
#'   are set from the data, and `predict(type = "probabilities")` and `type = "class"` give class
#'   predictions) or `"mvn"` (multivariate Gaussian regression with a full covariance matrix per
#'   expert, \eqn{y \sim N_d(B_k'x, S_k)}{y ~ N_d(B_k'x, S_k)}, for a response written
#'   `cbind(y1, y2, ...)` as for a multivariate [stats::lm()]; with the `"gaussian_density"` gate
#'   it is the GLLiM / cluster-weighted model. Its dimension d is set from the response; fitted
#'   values and residuals are n x d matrices, `object$covariances` holds each expert's d x d
#'   covariance and `predict(type = "covariance")` the mixture's conditional covariance).
#' @param gate The gate family with its options, as a string. Conditional gates (fitted on the
#'   likelihood of y given x): `"softmax"` (a multinomial logit on the gate terms),
#'   `"softmax(temperature = 0.5)"`, `"softmax(top_k = 2)"`, `"softmax(transform = tanh)"`,
#'   `"laplace"`, `"gaussian_kernel"`, `"probit"`; [moe_gate()] builds the string from options.
#'   Density gates model the distribution of the gate covariates per component and are fitted on
#'   the joint likelihood of covariates and response: `"gaussian_density"` (options
#'   `covariance = full|diagonal`), `"t_density"` (options `nu = estimate|<number>`,
#'   `nu_shared = true|false`) or `"laplace_density"`. A density gate needs numeric gate
#'   covariates and an intercept; its `logLik` and information criteria are those of the joint
#'   likelihood (the conditional log-likelihood of y given x is `conditional_logLik`).
#' @param starts The number of EM starts (at least 1); see `control$start` for how they are formed.
#' @param seed A whole number seeding the starts, or `NULL` to draw one from R's generator.
#' @param control EM settings from [moe_control()] (or a list of its arguments).
#' @param cluster Optional initial partition: a vector of labels `1..K`, one per row of `data`
#'   (as flexmix's `cluster` argument). The first start begins from it; further starts (if
#'   `starts > 1`) are formed as usual.
#' @param start Optional start parameters: a fitted `"moe"` object or the path of a model file
#'   (see [write_moe()]) with the same families, `K` and design columns. The first start then
#'   begins with the E-step at these parameters; with `moe_control(one_step = TRUE)` the fit is
#'   exactly one E-step and one M-step from them.
#' @param fix Optional names of parameter blocks held at their values in `start` during the fit:
#'   `"gate"`, `"gate.coefficients"`, `"expert2"` (every block of expert 2) or `"expert2.sigma"`.
#'   Held parameters get no standard errors and do not count in `df`.
#' @param tree For a hierarchical mixture of experts (Jordan and Jacobs 1994): the tree of gates
#'   over the experts, as the branching of each level (`c(2, 3)`: a root gate over 2 branches, each a
#'   gate over 3 experts; `c(2, 2, 2)`: depth 3), as a nested list for ragged trees (`list(3, 2)`: a
#'   branch of 3 experts and one of 2; `list(list(2, 2), 3)`; a 1 is a single expert), or as the
#'   shape text `"2x3"` / `"[3 2]"`. Every node is a `gate` gate (a conditional family: softmax,
#'   laplace, gaussian_kernel, probit); `K` is the number of leaves and may be left out. An expert's
#'   weight is the product of the node weights along its path. See [predict.moe()] (`type =
#'   "branch"`) and [plot.moe()] (`which = 5`).
#' @param na.action What to do with rows holding `NA`: a function such as [stats::na.omit()] (the
#'   default, from `getOption("na.action")`), [stats::na.exclude()] or [stats::na.fail()].
#' @param random For a formula with a random-effect term `(1 | group)`: `"gate"` or `"expert"`,
#'   where the random effects enter (default: the formula part holding the term); see [moe_mixed].
#' @param mixed Settings of a mixed-effects fit, a list: `quadrature` (Gauss-Hermite nodes per
#'   dimension, 15), `dimension` (dimension of each group's random effect u in the gate; `NULL`, the
#'   default, is one per random term: 1 for `(1 | g)`, 2 for `(1 + x | g)`), `monte_carlo` (draws per
#'   group for Monte Carlo EM, 0 = quadrature), `common_variance` (one residual variance in the
#'   expert placement, FALSE), `fix_zero` (random effects switched off, for checks, FALSE).
#' @param offset For `"poisson"` experts: an exposure offset, an expression evaluated in `data` as
#'   [stats::glm()]'s (`offset = log(t)`), entering as \eqn{\log \mu_i = x_i'\beta_k + o_i}{log mu_i =
#'   x_i'beta_k + o_i}. The same as adding `+ offset(log(t))` to the expert part of the formula
#'   (which is where it is stored). The offset is data, not a parameter; `predict()` and
#'   `simulate()` on new data evaluate it there. An offset with other experts, in the gate part,
#'   or with random effects is an error.
#' @return An object of class `"moe"`, a list with components
#'   \item{coefficients}{a list: `gate`, the q x K gate coefficient matrix whose first column (the
#'     reference) is zero; `experts`, the p x K matrix of expert regression coefficients; `sigma`,
#'     the K expert standard deviations. Columns are named `Comp.1`, `Comp.2`, ... For mvn
#'     experts `experts` has the rows `response:term` (p d of them) and `covariance` holds the
#'     d(d+1)/2 free entries `cov(a,b)` of each expert's covariance (the full matrices are in
#'     `covariances`, a list by component).}
#'   \item{logLik, df, nobs}{the maximised log-likelihood, the number of free parameters and the
#'     number of observations.}
#'   \item{AIC, BIC, ICL}{information criteria, smaller is better; ICL is BIC plus twice the
#'     entropy of the posterior memberships.}
#'   \item{iterations, status, message}{EM iterations of the kept start and how it ended:
#'     `"converged"`, `"max_iterations"`, `"degenerate"` (a component collapsed or a variance hit its
#'     floor), `"non_finite"` or `"interrupted"`, with a plain-language message.}
#'   \item{trace}{a data frame with one row per EM iteration of the kept start: `iteration`,
#'     `loglik`, `rel_change`, `seconds` and `decrease` (whether the log-likelihood fell, which EM
#'     should never do).}
#'   \item{start_loglik, best_start, starts_reaching_best, seed}{the final log-likelihood of every
#'     start, which start was kept, how many starts reached the best log-likelihood (within a
#'     relative 1e-6), and the seed used.}
#'   \item{posterior}{the n x K matrix of posterior membership probabilities.}
#'   \item{fitted.values, residuals}{the conditional mean \eqn{E(y | x, z)} and `y` minus it.}
#'   \item{call, formula, terms, xlevels, contrasts, na.action, model, x, y, data}{what the fit was
#'     called with and built from: the [Formula::Formula()] object, terms, factor levels and
#'     contrasts for prediction, the model frame, the two design matrices, the response and the
#'     raw variables used.}
#'   \item{json}{the model as the JSON text of a moest model file (see [write_moe()]).}
#'
#'   Methods: [print][print.moe()], [summary][summary.moe()], [coef][coef.moe()],
#'   [logLik][logLik.moe()] (hence [AIC()] and [BIC()]), [nobs][nobs.moe()],
#'   [fitted][fitted.moe()], [residuals][residuals.moe()], [predict][predict.moe()],
#'   [simulate][simulate.moe()] and [plot][plot.moe()].
#' @seealso [moe_control()], [predict.moe()], [write_moe()]
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' fit
#' summary(fit)
#' AIC(fit)
#' # A gate without covariates, and one on a different covariate:
#' moe(tuned ~ stretchratio | 1, data = tonedata, K = 2, seed = 1, starts = 3)
#' @export
moe <- function(formula, data, K, expert = "gaussian", gate = "softmax", starts = 10,
                seed = NULL, control = moe_control(), cluster = NULL, start = NULL, fix = NULL,
                na.action, tree = NULL, random = NULL, mixed = list(), offset = NULL) {
  call <- match.call()
  offset_term <- substitute(offset)
  if (!is.null(offset_term)) formula <- formula_with_offset(formula, offset_term)
  if (!is.null(tree)) {
    check_family(gate, "gate")
    hierarchy <- moe_tree_gate(tree, gate, if (missing(K)) NULL else K)
    gate <- hierarchy$gate
    K <- hierarchy$K
  } else if (missing(K)) {
    stop("'K', the number of components, is missing", call. = FALSE)
  }
  check_number(K, "K", "a positive whole number", min = 1, whole = TRUE)
  check_number(starts, "starts", "a whole number of at least 1", min = 1, whole = TRUE)
  check_family(expert, "expert")
  check_family(gate, "gate")
  if (!inherits(control, "moe_control")) control <- do.call(moe_control, as.list(control))
  if (missing(data)) data <- environment(formula)
  action <- if (missing(na.action)) getOption("na.action", "na.omit") else na.action
  random_terms <- if (!inherits(formula, "Formula")) moe_random_terms(formula, random)
  if (!is.null(random_terms)) {
    if (any(grepl("offset(", deparse(formula), fixed = TRUE))) {
      stop("an offset is not supported in mixed-effects fits", call. = FALSE)
    }
    return(moe_mixed(random_terms, data, K, expert, gate, starts, seed, control, action, call, mixed))
  }
  categorical <- is_multinomial(expert)
  multivariate <- is_mvn(expert)
  built <- moe_frame(formula, data, action, categorical, expert)
  if (categorical) expert <- multinomial_spec(expert, length(built$class_labels), built$response)
  responses <- if (is.matrix(built$y)) colnames(built$y) else built$response
  if (multivariate) expert <- mvn_spec(expert, responses)
  multivariate <- is.matrix(built$y)  # mvn experts on more than one response column
  if (!is.null(built$offset) && !identical(trimws(sub("\\(.*", "", expert)), "poisson")) {
    stop(sprintf("the offset %s enters only poisson experts, not %s experts", built$offset$expression,
                 expert), call. = FALSE)
  }
  if (grepl("_density", gate, fixed = TRUE)) check_density_covariates(built, gate)
  partition <- moe_partition(cluster, K, built)
  seed <- resolve_seed(seed)

  options <- c(unclass(control), list(starts = as.integer(starts), partition = partition,
                                      class_labels = as.character(built$class_labels),
                                      responses = if (multivariate) responses else character(0)),
               moe_start_options(start, fix))
  options$bases <- poly_bases(built$terms$full)
  if (!is.null(built$offset)) {
    options$offset <- built$offset$values
    options$offset_expression <- built$offset$expression
  }
  result <- call_core(moe_fit_cpp(built$y, built$x$expert, built$x$gate, as.integer(K), expert,
                                  gate, options, seed, built$formula_text, built$response), call)
  for (note in result$messages) message("moe: ", note)
  if (result$interrupted) signal_interrupt(call)

  object <- moe_from_json(result$json, built$formula, built$terms)
  fields <- list(call = call, xlevels = built$xlevels,
                 contrasts = built$contrasts, na.action = attr(built$model, "na.action"),
                 model = built$model, x = built$x, y = built$y, data = built$data,
                 control = control)
  object[names(fields)] <- fields
  if (!is.null(built$offset)) object$offset <- stats::setNames(built$offset$values, rownames(built$model))
  if (categorical) {
    # As for nnet::multinom: fitted values are the class probabilities, residuals the indicator of
    # the observed class minus them.
    object$fitted.values <- class_probability_matrix(result$class_probabilities, built$class_labels,
                                                     rownames(built$model))
    object$residuals <- categorical_residuals(built$y, object$fitted.values)
  } else if (multivariate) {
    object$fitted.values <- result$fitted
    dimnames(object$fitted.values) <- dimnames(built$y)
    object$residuals <- built$y - object$fitted.values
  } else {
    names(result$fitted) <- rownames(built$model)
    object$fitted.values <- result$fitted
    object$residuals <- built$y - result$fitted
  }
  object$posterior <- component_matrix(result$posterior, rownames(built$model))
  # One-step mode stops after one iteration by design: its status says so, without a warning.
  if (object$status != "converged" && !isTRUE(control$one_step)) {
    warning(sprintf("moe: the fit ended with status '%s': %s", object$status, object$message),
            call. = FALSE)
  }
  object
}

check_family <- function(value, name) {
  if (!is.character(value) || length(value) != 1L || is.na(value)) {
    stop(sprintf("'%s' must be the name of a family, such as \"%s\"", name,
                 if (name == "gate") "softmax" else "gaussian"), call. = FALSE)
  }
}

# A density gate models the distribution of its covariates: they must be numeric (a factor would
# become dummy columns, which have no density), and there must be one besides the intercept.
check_density_covariates <- function(built, gate) {
  variables <- all.vars(built$terms$gate)
  for (name in variables) {
    value <- built$data[[name]]
    if (!is.null(value) && !is.numeric(value)) {
      stop(sprintf("the %s gate models the density of its covariates, but '%s' is not numeric (%s)",
                   gate, name, class(value)[1L]), call. = FALSE)
    }
  }
  if (ncol(built$x$gate) < 2L || !all(built$x$gate[, 1L] == 1)) {
    stop(sprintf(paste0("the %s gate needs an intercept and at least one numeric covariate in the ",
                        "gate part of the formula"), gate), call. = FALSE)
  }
}

# The model frame, designs and response of a fit, after the checks a user needs.
moe_frame <- function(formula, data, na.action, categorical = FALSE, expert = "gaussian") {
  spec <- Formula::as.Formula(formula)
  parts <- length(spec)
  if (parts[1L] != 1L) stop("the formula needs one response left of '~'", call. = FALSE)
  if (parts[2L] > 2L) {
    stop("the formula has more than two parts right of '~': use 'y ~ expert terms | gate terms'",
         call. = FALSE)
  }
  # The terms of each part, formed once (Formula's terms() is a good share of a small fit's time).
  parts_terms <- list(expert = stats::terms(spec, rhs = 1L),
                      gate = if (parts[2L] == 2L) stats::terms(spec, rhs = 2L))
  check_offset_columns(parts_terms$expert, data)
  # First without dropping anything, to find NaN and infinite values (NA is a missing value).
  all_rows <- stats::model.frame(spec, data = data, na.action = stats::na.pass, drop.unused.levels = TRUE)
  check_finite_frame(all_rows)
  if (is.character(na.action)) na.action <- get(na.action, mode = "function")
  # Without a missing value the standard actions keep every row: the frame is the one just built (a
  # second model frame and na.omit's subsetting cost more than the fit of a large data set).
  standard <- identical(na.action, stats::na.omit) || identical(na.action, stats::na.exclude) ||
    identical(na.action, stats::na.fail)
  frame <- if (standard && !anyNA(all_rows)) all_rows
           else stats::model.frame(spec, data = data, na.action = na.action, drop.unused.levels = TRUE)
  response <- names(frame)[1L]
  classes <- if (categorical) categorical_response(stats::model.response(frame), response)
  y <- if (categorical) classes$codes
       else if (is_mvn(expert)) check_response_matrix(stats::model.response(frame), response, rownames(frame))
       else check_response(stats::model.response(frame), response, expert)
  expert <- stats::model.matrix(spec, data = frame, rhs = 1L)
  # A gate part with the expert part's terms (y ~ x | x) shares its design: one matrix, built once.
  same_terms <- function(a, b) {
    identical(attr(a, "term.labels"), attr(b, "term.labels")) && attr(a, "intercept") == attr(b, "intercept")
  }
  gate <- if (parts[2L] == 2L && !same_terms(parts_terms$gate, parts_terms$expert)) {
    stats::model.matrix(spec, data = frame, rhs = 2L)
  } else {
    expert
  }
  if (ncol(expert) == 0L) stop("the expert part of the formula has no terms", call. = FALSE)
  if (ncol(gate) == 0L) {
    stop("the gate part of the formula has no terms: use '| 1' for a gate without covariates",
         call. = FALSE)
  }
  offset <- moe_offset(parts_terms, frame)
  raw <- stats::get_all_vars(stats::formula(spec, collapse = TRUE), data = data)
  omitted <- attr(frame, "na.action")
  if (!is.null(omitted) && length(omitted) > 0L) {
    raw <- raw[-omitted, , drop = FALSE]
    rownames(raw) <- rownames(frame)  # (with no row dropped they agree already: setting them costs a check)
  }
  list(formula = spec, model = frame,
       y = if (is.matrix(y) || !is.null(names(y))) y else stats::setNames(y, rownames(frame)),
       x = list(expert = strip_design(expert), gate = strip_design(gate)), offset = offset,
       response = response, class_labels = classes$labels, data = raw, n_all = nrow(all_rows),
       terms = terms_of_parts(parts_terms, stats::terms(frame)),
       xlevels = stats::.getXlevels(stats::terms(frame), frame),
       contrasts = list(expert = attr(expert, "contrasts"), gate = attr(gate, "contrasts")),
       formula_text = paste(deparse(stats::formula(spec), width.cutoff = 500L), collapse = " "))
}

# The exposure offset of the expert part (offset(log(t)) in the formula): its values on the rows of
# `frame` and its expression as text, or NULL when there is none. Offsets belong to the experts:
# one in the gate part, or more than one, is an error. `parts_terms`: the terms of both parts.
moe_offset <- function(parts_terms, frame) {
  if (!is.null(parts_terms$gate) && !is.null(attr(parts_terms$gate, "offset"))) {
    stop("an offset belongs to the expert part of the formula (left of '|'), not to the gate part",
         call. = FALSE)
  }
  expert <- parts_terms$expert
  index <- attr(expert, "offset")
  if (is.null(index)) return(NULL)
  if (length(index) > 1L) stop("the formula has more than one offset: give one", call. = FALSE)
  term <- attr(expert, "variables")[[index + 1L]]
  list(values = as.numeric(stats::model.offset(frame)),
       expression = paste(deparse(term[[2L]], width.cutoff = 500L), collapse = " "))
}

# A clear error when the data lack a variable of the offset (R would otherwise look for it, say `t`,
# outside the data and find a function of that name).
check_offset_columns <- function(expert, data) {
  if (!is.data.frame(data)) return(invisible())
  for (index in attr(expert, "offset")) {
    term <- attr(expert, "variables")[[index + 1L]]
    absent <- setdiff(all.vars(term), names(data))
    if (length(absent) > 0L) {
      stop(sprintf("the offset %s needs the column %s, which the data lack", deparse(term[[2L]]),
                   paste0("'", absent, "'", collapse = ", ")), call. = FALSE)
    }
  }
}

# `formula` with `+ offset(term)` added to its expert part (moe()'s `offset =` argument, as glm's).
formula_with_offset <- function(formula, term) {
  if (inherits(formula, "Formula")) formula <- stats::formula(formula)
  added <- function(rhs) call("+", rhs, call("offset", term))
  rhs <- formula[[3L]]
  if (is.call(rhs) && identical(rhs[[1L]], as.name("|"))) {
    rhs[[2L]] <- added(rhs[[2L]])
  } else {
    rhs <- added(rhs)
  }
  formula[[3L]] <- rhs
  formula
}

# The poly() terms of a model frame's terms with the training bases R stored in their predvars, as
# list(column, degree, raw, alpha, norm2) each: the model file keeps them so that the command line
# evaluates new data in the same basis. Only poly(column, degree[, raw = ]) on one column.
poly_bases <- function(terms) {
  predvars <- attr(terms, "predvars")
  if (is.null(predvars)) return(list())
  bases <- list()
  for (i in seq_along(predvars)[-1L]) {
    term <- poly_term(predvars[[i]])
    if (is.null(term) || (!term$raw && is.null(term$coefs))) next
    bases[[length(bases) + 1L]] <- list(column = term$column, degree = term$degree, raw = term$raw,
                                        alpha = as.numeric(term$coefs$alpha),
                                        norm2 = as.numeric(term$coefs$norm2))
  }
  bases
}

# The parts of a call poly(column, degree, raw = , coefs = ) as list(column, degree, raw, coefs), or
# NULL for any other call (poly() of several columns, a degree that is not a constant).
poly_term <- function(call) {
  if (!is.call(call) || !identical(call[[1L]], as.name("poly")) || length(call) < 2L ||
      !is.name(call[[2L]])) {
    return(NULL)
  }
  args <- as.list(call)[-c(1L, 2L)]
  named <- if (is.null(names(args))) rep("", length(args)) else names(args)
  # poly(x, ...) takes the degree through `...` when it is not named.
  degree <- if ("degree" %in% named) args[["degree"]] else if (any(named == "")) args[named == ""][[1L]] else 1
  constant <- function(e) tryCatch(eval(e, baseenv()), error = function(err) NULL)
  degree <- constant(degree)
  if (!is.numeric(degree) || length(degree) != 1L) return(NULL)
  list(column = as.character(call[[2L]]), degree = as.integer(degree),
       raw = "raw" %in% named && isTRUE(constant(args[["raw"]])),
       coefs = if ("coefs" %in% named) constant(args[["coefs"]]))
}

# Terms for prediction: the full terms (with the predvars that make poly() safe on new data) and
# those of each part, without the response.
moe_terms <- function(formula, full) {
  terms_of_parts(list(expert = stats::terms(formula, rhs = 1L),
                      gate = if (length(formula)[2L] == 2L) stats::terms(formula, rhs = 2L)), full)
}

# The same from the terms of the expert and gate parts (gate NULL: the gate uses the expert terms).
terms_of_parts <- function(parts_terms, full) {
  expert <- stats::delete.response(parts_terms$expert)
  gate <- if (is.null(parts_terms$gate)) expert else stats::delete.response(parts_terms$gate)
  list(full = full, expert = expert, gate = gate)
}

strip_design <- function(x) {
  attr(x, "assign") <- NULL
  attr(x, "contrasts") <- NULL
  x
}

check_finite_frame <- function(frame) {
  for (name in names(frame)) {
    column <- frame[[name]]
    if (!is.numeric(column)) next
    bad <- if (is.matrix(column)) rowSums(is.nan(column) | is.infinite(column)) > 0 else
      is.nan(column) | is.infinite(column)
    if (any(bad)) {
      row <- which(bad)[1L]
      value <- column[row]
      if (is.matrix(column)) {
        # A cbind() response: name the column of the matrix that holds the value.
        j <- which(is.nan(column[row, ]) | is.infinite(column[row, ]))[1L]
        value <- column[row, j]
        if (!is.null(colnames(column)) && nzchar(colnames(column)[j])) name <- colnames(column)[j]
      }
      stop(sprintf(paste0("variable '%s' has the value %s in row %s: only finite numbers or NA ",
                          "(a missing value) are allowed"), name, format(value),
                   rownames(frame)[row]), call. = FALSE)
    }
  }
}

check_response <- function(y, name, expert = "gaussian") {
  if (is.matrix(y) && ncol(y) == 1L) y <- drop(y)
  if (is.matrix(y) && is.numeric(y)) {
    stop(sprintf(paste0("the response '%s' has %d columns, but expert '%s' models one: use ",
                        "expert = \"mvn\" for a multivariate response"), name, ncol(y), expert),
         call. = FALSE)
  }
  if (!is.numeric(y) || is.matrix(y)) {
    stop(sprintf("the response '%s' must be a numeric vector (it is %s)", name,
                 if (is.matrix(y)) "a matrix" else paste("of class", class(y)[1L])), call. = FALSE)
  }
  if (length(y) < 2L || all(y == y[1L])) {
    stop(sprintf("the response '%s' is constant (every value is %s): there is nothing to fit",
                 name, format(y[1L])), call. = FALSE)
  }
  # A plain double vector is kept as it is, with its names (the row names); anything else is converted.
  if (is.double(y) && identical(names(attributes(y)), "names")) y else as.numeric(y)
}

# A multivariate response (cbind(y1, y2, ...) for mvn experts) as an n x d numeric matrix with the
# column names of the variables (a vector when there is one column); a constant column is an error
# naming it.
check_response_matrix <- function(y, name, rows) {
  y <- as.matrix(y)
  if (!is.numeric(y)) {
    stop(sprintf("the response '%s' must be numeric (it is of class %s)", name, class(y[1L])[1L]),
         call. = FALSE)
  }
  if (ncol(y) == 1L && is.null(colnames(y))) colnames(y) <- name
  if (is.null(colnames(y)) || any(!nzchar(colnames(y)))) colnames(y) <- paste0(name, seq_len(ncol(y)))
  for (j in seq_len(ncol(y))) {
    if (nrow(y) < 2L || all(y[, j] == y[1L, j])) {
      stop(sprintf("the response column '%s' is constant (every value is %s): there is nothing to fit",
                   colnames(y)[j], format(y[1L, j])), call. = FALSE)
    }
  }
  storage.mode(y) <- "double"
  if (ncol(y) == 1L) return(y[, 1L])  # one column: as the gaussian expert's response
  dimnames(y) <- list(rows, colnames(y))
  y
}

# The initial partition as integer labels 1..K for the rows kept, or integer(0) when none is given.
moe_partition <- function(cluster, K, built) {
  if (is.null(cluster)) return(integer(0))
  # One pass for the bounds and one whole-number test for doubles only (at n = 1e4, four full
  # comparisons cost a twentieth of the fit).
  usable <- is.numeric(cluster) && !is.matrix(cluster) && length(cluster) > 0L && !anyNA(cluster)
  bounds <- if (usable) range(cluster)
  if (!usable || bounds[1L] < 1 || bounds[2L] > K ||
      (!is.integer(cluster) && any(cluster != trunc(cluster)))) {
    stop(sprintf("'cluster' must be a vector of labels 1..K = 1..%d", K), call. = FALSE)
  }
  if (length(cluster) != built$n_all) {
    stop(sprintf("'cluster' has %d labels but the data have %d rows", length(cluster),
                 built$n_all), call. = FALSE)
  }
  omitted <- attr(built$model, "na.action")
  if (!is.null(omitted) && length(omitted) > 0L) cluster <- cluster[-omitted]
  as.integer(cluster)
}

# Start parameters as model-file JSON text and the names of the blocks to hold at them.
moe_start_options <- function(start, fix) {
  if (!is.null(fix) && (!is.character(fix) || anyNA(fix) || length(fix) == 0L)) {
    stop("'fix' must be a character vector of block names such as \"gate\" or \"expert2.sigma\"",
         call. = FALSE)
  }
  if (is.null(start)) {
    if (!is.null(fix)) stop("'fix' holds blocks at their values in 'start': give 'start' too", call. = FALSE)
    return(list(start_json = "", fix = character(0)))
  }
  json <- if (inherits(start, "moe")) start$json else if (is.character(start) && length(start) == 1L) {
    if (!file.exists(start)) stop(sprintf("the start model file '%s' does not exist", start), call. = FALSE)
    paste(readLines(start, warn = FALSE), collapse = "\n")
  } else {
    stop("'start' must be a fitted \"moe\" object or the path of a model file", call. = FALSE)
  }
  list(start_json = json, fix = if (is.null(fix)) character(0) else fix)
}

signal_interrupt <- function(call) {
  signalCondition(structure(class = c("moe_interrupt", "interrupt", "condition"),
                            list(message = "the fit was interrupted", call = call)))
  stop("interrupted", call. = FALSE)
}

component_names <- function(K) paste0("Comp.", seq_len(K))

component_matrix <- function(m, rows = NULL) {
  dimnames(m) <- list(rows, component_names(ncol(m)))
  m
}
