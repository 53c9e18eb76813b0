#' Plot the gate weights of a mixture-of-experts fit against a covariate
#'
#' Draws \eqn{g_k(x)}{g_k(x)}, the weight of every component, along a grid over the range of one
#' numeric gate covariate, the other variables held at their median (numeric) or first value. For a
#' density gate the weights are \eqn{\pi_k h_k(x) / \sum_l \pi_l h_l(x)}{pi_k h_k(x) / sum_l pi_l h_l(x)}.
#'
#' @param x A `"moe"` object fitted by [moe()] (it needs the data it was fitted to).
#' @param covariate The name of a numeric gate covariate; by default the first one.
#' @param n Number of grid points.
#' @param ... Further graphical parameters passed to [graphics::matplot()].
#' @return The grid and the weights, a list with `x` and the n x K matrix `gate`, invisibly.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3,
#'            gate = "gaussian_density")
#' plot_gate(fit)
#' @export
plot_gate <- function(x, covariate = NULL, n = 200L, ...) {
  if (!has_data(x)) stop_no_data("plot_gate()")
  variables <- all.vars(x$terms$gate)
  numeric_vars <- variables[vapply(variables, function(v) is.numeric(x$data[[v]]), logical(1))]
  if (is.null(covariate)) {
    if (length(numeric_vars) == 0L) stop("the gate has no numeric covariate to plot against", call. = FALSE)
    covariate <- numeric_vars[1L]
  }
  if (!is.character(covariate) || length(covariate) != 1L || !covariate %in% numeric_vars) {
    stop(sprintf("'covariate' must name a numeric gate covariate (%s)",
                 paste(numeric_vars, collapse = ", ")), call. = FALSE)
  }
  grid <- x$data[rep(1L, n), , drop = FALSE]
  for (v in names(grid)) {
    if (is.numeric(grid[[v]])) grid[[v]] <- stats::median(x$data[[v]])
  }
  grid[[covariate]] <- seq(min(x$data[[covariate]]), max(x$data[[covariate]]), length.out = n)
  weights <- stats::predict(x, grid, type = "gate")
  graphics::matplot(grid[[covariate]], weights, type = "l", lty = 1, lwd = 2,
                    col = seq_len(x$K) + 1L, ylim = c(0, 1), xlab = covariate,
                    ylab = "gate weight", main = sprintf("Gate weights (%s gate)", x$gate), ...)
  graphics::legend("topright", legend = component_names(x$K), col = seq_len(x$K) + 1L, lty = 1,
                   bty = "n")
  invisible(list(x = grid[[covariate]], gate = weights))
}
