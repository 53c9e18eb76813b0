# Building a "moe" object from a model's JSON text: the one path shared by moe() and read_moe(), so
# that a fitted model and the same model read back from a file carry identical parameters. `terms`:
# the fit's own terms when at hand (moe() has them from its model frame), else built from `formula`.

moe_from_json <- function(json, formula = NULL, terms = NULL) {
  info <- moe_model_info(json)
  spec <- info$model
  K <- spec$K
  stats <- info$stats
  if (is.null(formula)) formula <- formula_from_text(spec$formula)
  object <- list(
    coefficients = moe_coefficients(info, spec),
    K = K, expert = spec$expert, gate = spec$gate,
    formula = formula, formula_text = spec$formula, response = spec$response,
    terms_names = list(expert = spec$expert_terms, gate = spec$gate_terms),
    logLik = stats$loglik, df = stats$df, nobs = stats$nobs,
    objective = if (is.null(stats$objective)) "conditional" else stats$objective,
    conditional_logLik = if (is.null(stats$conditional_loglik)) stats$loglik else stats$conditional_loglik,
    AIC = stats$AIC, BIC = stats$BIC, ICL = stats$ICL,
    iterations = stats$iterations, status = stats$status, message = stats$message,
    variance_floor_bound = stats$variance_floor_bound, gate_cap_hits = stats$gate_cap_hits,
    trace = stats$trace, start_loglik = stats$start_loglik, best_start = stats$best_start,
    starts_reaching_best = stats$starts_reaching_best, seed = stats$seed,
    solver = if (is.null(stats$solver)) "em" else stats$solver,
    em_variant = if (is.null(stats$em_variant)) "standard" else stats$em_variant,
    gradient_norm = if (is.null(stats$gradient_norm)) NA_real_ else stats$gradient_norm,
    standard_errors = stats$standard_errors, diagnostics = stats$diagnostics,
    created_by = spec$created_by,
    class_labels = if (length(spec$class_labels) > 0L) spec$class_labels,
    offset_expression = if (nzchar(spec$offset)) spec$offset, json = json)
  if (length(spec$responses) > 1L) {
    object$responses <- spec$responses
    object$covariances <- mvn_covariances(info, spec)
  }
  object$terms <- if (!is.null(terms)) terms
                  else if (!is.null(formula)) with_stored_bases(moe_terms_from_formula(formula), spec$bases)
  class(object) <- "moe"
  object
}

# The gate matrix (q x K), the expert coefficient matrix (p x K; p d x K for mvn experts), and every
# scalar expert parameter (sigma, ...) as a K-vector (the free covariance entries of mvn experts as a
# d(d+1)/2 x K matrix), all with components named Comp.1, Comp.2, ...
moe_coefficients <- function(info, spec) {
  comps <- component_names(spec$K)
  gate <- info$gate$coefficients
  if (startsWith(spec$gate, "tree(")) {
    gate <- tree_gate_blocks(info$gate, spec)  # one block per node, see R/tree.R
  } else if (is.null(gate) && !is.null(info$gate$centres)) {
    # Distance gates (laplace, gaussian_kernel) have centres over the covariates and a bias that
    # plays the intercept's role: shown as one matrix, the bias in the intercept's row.
    gate <- rbind(info$gate$bias, info$gate$centres)
  } else if (is.null(gate)) {
    gate <- density_gate_blocks(info$gate, spec)
  }
  if (is.matrix(gate)) dimnames(gate) <- list(spec$gate_terms, comps)
  experts <- vapply(info$experts, function(blocks) as.vector(blocks$coefficients),
                    numeric(length(info$experts[[1L]]$coefficients)))
  experts <- matrix(experts, ncol = spec$K,
                    dimnames = list(expert_coefficient_names(spec), comps))
  out <- list(gate = gate, experts = experts)
  scalars <- setdiff(names(info$experts[[1L]]), "coefficients")
  for (name in scalars) {
    if (name == "covariance") {
      # mvn experts: the free entries of each covariance matrix (upper triangle), one column each.
      out$covariance <- matrix(vapply(info$experts, function(b) covariance_entries(b$covariance),
                                      numeric(length(covariance_entries(info$experts[[1L]]$covariance)))),
                               ncol = spec$K, dimnames = list(covariance_names(spec$responses), comps))
      next
    }
    out[[name]] <- stats::setNames(vapply(info$experts, function(b) b[[name]][1L], numeric(1)),
                                   comps)
  }
  out
}

# The upper triangle (with the diagonal) of a symmetric matrix, column by column: the d(d+1)/2 free
# entries of an mvn expert's covariance.
covariance_entries <- function(m) {
  m <- as.matrix(m)
  m[upper.tri(m, diag = TRUE)]
}

# "cov(y1,y1)", "cov(y1,y2)", "cov(y2,y2)", ... in the order of covariance_entries().
covariance_names <- function(responses) {
  d <- length(responses)
  index <- which(upper.tri(diag(d), diag = TRUE), arr.ind = TRUE)
  paste0("cov(", responses[index[, 1L]], ",", responses[index[, 2L]], ")")
}

# Every expert's covariance matrix (mvn experts), a list named Comp.1, Comp.2, ...
mvn_covariances <- function(info, spec) {
  out <- lapply(info$experts, function(b) {
    m <- as.matrix(b$covariance)
    dimnames(m) <- list(spec$responses, spec$responses)
    m
  })
  stats::setNames(out, component_names(spec$K))
}

# The expert terms, or for multinomial experts (one coefficient vector per class after the first)
# "class:term" for every class but the reference.
expert_coefficient_names <- function(spec) {
  if (length(spec$responses) > 1L) {
    # mvn experts: "response:term" for every response column, as coef() of a multivariate lm.
    return(paste0(rep(spec$responses, each = length(spec$expert_terms)), ":", spec$expert_terms))
  }
  if (length(spec$class_labels) == 0L) return(spec$expert_terms)
  paste0(rep(spec$class_labels[-1L], each = length(spec$expert_terms)), ":", spec$expert_terms)
}

# A model file's formula text as a Formula; NULL (with prediction then impossible) if R cannot
# parse it.
formula_from_text <- function(text) {
  parsed <- tryCatch(stats::as.formula(text, env = globalenv()), error = function(e) NULL)
  if (is.null(parsed)) return(NULL)
  Formula::as.Formula(parsed)
}

# Terms of a formula alone (a model read from a file has no data): no predvars, no factor levels.
moe_terms_from_formula <- function(formula) {
  full <- tryCatch(stats::terms(formula), error = function(e) NULL)
  if (is.null(full)) return(NULL)
  moe_terms(formula, full)
}

# Terms of a model read from a file whose poly() terms are evaluated in the stored training bases
# (predvars, as R's own fits carry them), so that predictions on new data use the basis of the fit
# rather than one rebuilt from the new data.
with_stored_bases <- function(terms, bases) {
  if (is.null(terms) || length(bases) == 0L) return(terms)
  predvars <- attr(terms$full, "variables")
  for (i in seq_along(predvars)[-1L]) {
    term <- poly_term(predvars[[i]])
    if (is.null(term) || term$raw) next
    match <- Filter(function(b) !b$raw && b$column == term$column && b$degree == term$degree, bases)
    if (length(match) == 0L) next
    predvars[[i]]$coefs <- list(alpha = match[[1L]]$alpha, norm2 = match[[1L]]$norm2)
  }
  attr(terms$full, "predvars") <- predvars
  terms
}

# Whether the object still holds the data it was fitted to.
has_data <- function(object) !is.null(object$x)

stop_no_data <- function(what) {
  stop(sprintf(paste0("%s needs the data the model was fitted to, but this model stores none ",
                      "(it was read from a model file): use predict(object, newdata)"), what),
       call. = FALSE)
}

# A density gate's parameter blocks (pi, mean or location, covariance.k / scatter.k, variance or
# scale, nu) as a named list of matrices: rows named by the gate covariates (the gate terms without
# the intercept) where there is one row per covariate, columns by component.
density_gate_blocks <- function(blocks, spec) {
  comps <- component_names(spec$K)
  covariates <- spec$gate_terms[-1L]
  out <- lapply(names(blocks), function(name) {
    value <- as.matrix(blocks[[name]])
    per_covariate <- nrow(value) == length(covariates) && !name %in% c("pi", "nu")
    rows <- if (per_covariate) covariates else NULL
    cols <- if (grepl(".", name, fixed = TRUE)) rows else if (ncol(value) == spec$K) comps else NULL
    dimnames(value) <- list(rows, cols)
    value
  })
  stats::setNames(out, names(blocks))
}

# Whether `object`'s gate is a density gate (fitted on the joint likelihood of covariates and response).
is_density_gate <- function(object) is.list(object$coefficients$gate) && !is_tree_gate(object)
