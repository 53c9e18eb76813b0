# A categorical response for multinomial-logistic experts: R's factor (or character, logical or
# whole-number) response becomes the class codes 0..C-1 that the core reads, with the class labels
# kept for the model file, the coefficient names and the predictions.

# Whether an expert specification names the multinomial-logistic family.
is_multinomial <- function(expert) grepl("^\\s*multinomial\\s*(\\(|$)", expert)

# Whether `expert` names the multivariate Gaussian family (a response cbind(y1, y2, ...)).
is_mvn <- function(expert) grepl("^\\s*mvn\\s*(\\(|$)", expert)

# `expert` with its `dimension` option set to the number of response columns (an explicit option
# must agree with the data).
mvn_spec <- function(expert, responses) {
  d <- length(responses)
  given <- regmatches(expert, regexec("dimension\\s*=\\s*([0-9]+)", expert))[[1L]]
  if (length(given) == 2L && as.integer(given[2L]) != d) {
    stop(sprintf("expert '%s' asks for dimension %s but the response has %d column%s (%s)", expert, given[2L],
                 d, if (d == 1L) "" else "s", paste(responses, collapse = ", ")), call. = FALSE)
  }
  inner <- sub("^\\s*mvn\\s*\\(?(.*?)\\)?\\s*$", "\\1", expert)
  options <- trimws(strsplit(inner, ",", fixed = TRUE)[[1L]])
  options <- options[nzchar(options) & !grepl("^dimension\\s*=", options)]  # the core rejects unknown ones
  paste0("mvn(", paste(c(sprintf("dimension = %d", d), options), collapse = ", "), ")")
}

# list(codes = numeric 0..C-1, labels = character C) for the response `y` named `name`. The classes
# are a factor's levels (unused levels dropped), or else the sorted distinct values.
categorical_response <- function(y, name) {
  if (is.matrix(y) && ncol(y) == 1L) y <- drop(y)
  if (is.matrix(y)) {
    stop(sprintf("the response '%s' of multinomial experts must be a vector, not a matrix", name),
         call. = FALSE)
  }
  if (is.numeric(y) && any(y != round(y))) {
    row <- which(y != round(y))[1L]
    stop(sprintf(paste0("the response '%s' of multinomial experts must be a factor or whole-number ",
                        "classes, but row %d is %s"), name, row, format(y[row])), call. = FALSE)
  }
  classes <- if (is.factor(y)) droplevels(y) else factor(y)
  labels <- levels(classes)
  if (length(labels) < 2L) {
    stop(sprintf("the response '%s' has only one class ('%s'): multinomial experts need at least two",
                 name, labels[1L]), call. = FALSE)
  }
  list(codes = as.numeric(classes) - 1, labels = labels)
}

# The class codes of `y` (new data) under the fit's `labels`; a class the fit never saw is an error.
categorical_codes <- function(y, labels, name) {
  text <- as.character(y)
  codes <- match(text, labels) - 1
  unseen <- which(is.na(codes) & !is.na(text))
  if (length(unseen) > 0L) {
    stop(sprintf(paste0("row %d of '%s' has the class '%s', which the fit never saw (its classes: %s)"),
                 unseen[1L], name, text[unseen[1L]], paste(labels, collapse = ", ")), call. = FALSE)
  }
  as.numeric(codes)
}

# `expert` with its `classes` option set to C (an explicit option must agree with the data).
multinomial_spec <- function(expert, classes, name) {
  given <- regmatches(expert, regexec("classes\\s*=\\s*([0-9]+)", expert))[[1L]]
  if (length(given) == 2L) {
    if (as.integer(given[2L]) != classes) {
      stop(sprintf("expert '%s' asks for %s classes but the response '%s' has %d", expert, given[2L],
                   name, classes), call. = FALSE)
    }
    return(expert)
  }
  options <- sub("^\\s*multinomial\\s*\\(?\\s*", "", sub("\\)\\s*$", "", expert))
  paste0("multinomial(classes = ", classes, if (nzchar(options)) paste0(", ", options), ")")
}

# The class-probability matrix n x C with the class labels as column names.
class_probability_matrix <- function(p, labels, rows) {
  dimnames(p) <- list(rows, labels)
  p
}

# Response residuals of a categorical fit: the indicator of the observed class minus its probability.
categorical_residuals <- function(codes, probabilities) {
  indicator <- matrix(0, nrow(probabilities), ncol(probabilities), dimnames = dimnames(probabilities))
  indicator[cbind(seq_along(codes), codes + 1L)] <- 1
  indicator - probabilities
}
