#' Write and read moest model files
#'
#' `write_moe()` saves a fitted model as a versioned JSON model file, the format the `moest`
#' command-line tool writes (`moest fit ... -o model.json`) and reads. The file is written to a
#' temporary name and then renamed, so an interrupted write never leaves a half-written file.
#' `read_moe()` reads such a file, from R or from the command-line tool.
#'
#' A model read from a file holds its formula, parameters and fit statistics, but not the data it
#' was fitted to: [print][print.moe()], [summary][summary.moe()], [coef][coef.moe()],
#' [logLik][logLik.moe()], and [predict][predict.moe()] and [simulate][simulate.moe()] with
#' `newdata` work on it, while `fitted()` and `residuals()` say that no data are stored.
#'
#' @param object A `"moe"` object from [moe()] or [read_moe()].
#' @param file Path of the model file.
#' @return `write_moe()` returns `file`, invisibly; `read_moe()` an object of class `"moe"`. A file
#'   that is not a moest model file, or one of a newer format version than this package reads, is
#'   an error.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' path <- tempfile(fileext = ".json")
#' write_moe(fit, path)
#' back <- read_moe(path)
#' all.equal(coef(back), coef(fit))
#' predict(back, data.frame(stretchratio = 2))
#' unlink(path)
#' @export
write_moe <- function(object, file) {
  if (!inherits(object, "moe")) stop("'object' must be a \"moe\" object", call. = FALSE)
  check_path(file)
  call_core(moe_write_cpp(object$json, path.expand(file)), sys.call())
  invisible(file)
}

#' @rdname write_moe
#' @export
read_moe <- function(file) {
  check_path(file)
  moe_from_json(call_core(moe_read_cpp(path.expand(file)), sys.call()))
}

check_path <- function(file) {
  if (!is.character(file) || length(file) != 1L || is.na(file) || !nzchar(file)) {
    stop("'file' must be the path of a file", call. = FALSE)
  }
}

# A copy of `object` with new parameters (the fit statistics are left as they were): `gate` the
# q x K gate matrix, `experts` the p x K coefficient matrix, `sigma` the K standard deviations.
# Internal, for comparing likelihoods at given parameters.
moe_with_parameters <- function(object, gate, experts, sigma) {
  blocks <- lapply(seq_len(object$K), function(k) {
    list(coefficients = matrix(experts[, k], ncol = 1L), sigma = matrix(sigma[k], 1L, 1L))
  })
  json <- call_core(moe_set_parameters_cpp(object$json, list(coefficients = as.matrix(gate)),
                                           blocks), sys.call())
  updated <- moe_from_json(json, object$formula)
  keep <- setdiff(names(object), names(updated))
  updated[keep] <- object[keep]
  updated$terms <- object$terms
  if (has_data(object)) {
    design <- stored_design(object)
    updated$fitted.values <- core_predict(updated, design, "response", sys.call())
    updated$residuals <- object$y - updated$fitted.values
    updated$posterior <- core_predict(updated, design, "posterior", sys.call())
  }
  updated
}
