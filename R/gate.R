#' Specify a gate with options
#'
#' Builds the gate specification that [moe()] (argument `gate`), the command line (`--gate`) and
#' model files share: a family name with options, such as `"softmax(temperature = 0.5)"`.
#'
#' Families and their options (see the package README and `THEORY.md` for the formulas):
#' \describe{
#'   \item{`"softmax"`}{multinomial logit, component 1 the reference (`w_1 = 0`). Options:
#'     `temperature` (> 0, default 1; the logits are divided by it), `top_k` (1..K, default K: keep
#'     the `top_k` largest logits of each row, the other components get weight 0), `top_k_bias`
#'     (`"before"`, the default, ranks the logits with the intercept's term; `"after"` ranks them
#'     without it and adds the bias only to the kept ones), `transform` (`"none"`, `"tanh"` or
#'     `"sigmoid"`, applied to every gate covariate but not the intercept).}
#'   \item{`"laplace"`}{logits `-||z - c_k|| + b_k` over the gate covariates `z` (the gate design must
#'     have an intercept, whose role `b_k` plays); `b_1 = 0`, all centres free.}
#'   \item{`"gaussian_kernel"`}{logits `-||z - c_k||^2 + b_k`; `b_1 = 0` and `c_1 = 0` (the centres are
#'     identified only up to a common shift).}
#'   \item{`"probit"`}{independent standard normal latent utilities `x'gamma_k + e_k`, `gamma_1 = 0`.
#'     K = 2 in closed form (`g_2 = pnorm(x'gamma_2 / sqrt(2))`, so a probit GLM's coefficients are
#'     `gamma_2 / sqrt(2)`); K > 2 by Gauss-Hermite quadrature with option `nodes` (default 20).
#'     Correlated errors are not implemented.}
#' }
#' The options other than the parameters (temperature, top_k, ...) are fixed, not estimated, and do
#' not count towards the degrees of freedom.
#'
#' @param family The gate family: `"softmax"`, `"laplace"`, `"gaussian_kernel"` or `"probit"`.
#' @param ... Options as `name = value`; values are written as given (numbers or words).
#' @return A single string, such as `"softmax(temperature = 0.5)"`, to pass as `gate` to [moe()].
#' @examples
#' moe_gate("softmax", temperature = 0.5)
#' moe_gate("softmax", top_k = 2, top_k_bias = "after")
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 2,
#'            gate = moe_gate("probit"))
#' @export
moe_gate <- function(family, ...) {
  if (!is.character(family) || length(family) != 1L || is.na(family) || !nzchar(family)) {
    stop("'family' must be the name of a gate family, such as \"softmax\"", call. = FALSE)
  }
  options <- list(...)
  if (length(options) == 0L) return(family)
  if (is.null(names(options)) || any(!nzchar(names(options)))) {
    stop("moe_gate: every option must be named, as in moe_gate(\"softmax\", temperature = 0.5)",
         call. = FALSE)
  }
  values <- vapply(names(options), function(name) {
    value <- options[[name]]
    if (length(value) != 1L || is.na(value)) {
      stop(sprintf("moe_gate: option '%s' must be a single value", name), call. = FALSE)
    }
    if (is.numeric(value)) format(value, digits = 17L) else as.character(value)
  }, character(1))
  paste0(family, "(", paste(names(options), "=", values, collapse = ", "), ")")
}

#' Plot the gate weights against a covariate
#'
#' Draws every component's fitted gate weight `g_k(x)` as a curve against one gate covariate, the
#' other gate covariates held at their mean (numeric) or first level (factors) in the fitted data.
#'
#' @param fit A `"moe"` object fitted by [moe()] (it must hold its data).
#' @param x The name of a gate covariate; by default the first one.
#' @param n Number of grid points.
#' @param main The plot title; by default "Gate weights (family)".
#' @param ... Further graphical parameters passed to [graphics::matplot()].
#' @return A data frame of the grid and the weights (one column per component), invisibly.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 2)
#' plot_gate(fit)
#' @export
plot_gate <- function(fit, x = NULL, n = 200L, main = NULL, ...) {
  if (!has_data(fit)) stop_no_data("plot_gate()")
  variables <- all.vars(fit$terms$gate)
  if (length(variables) == 0L) stop("plot_gate: the gate has no covariates", call. = FALSE)
  if (is.null(x)) x <- variables[1L]
  if (!is.character(x) || length(x) != 1L || !(x %in% variables)) {
    stop(sprintf("plot_gate: 'x' must name a gate covariate (%s)", paste(variables, collapse = ", ")),
         call. = FALSE)
  }
  covariate <- fit$data[[x]]
  if (!is.numeric(covariate)) stop(sprintf("plot_gate: '%s' is not numeric", x), call. = FALSE)
  grid <- fit$data[rep(1L, n), , drop = FALSE]
  for (name in setdiff(names(grid), x)) {
    if (is.numeric(fit$data[[name]])) grid[[name]] <- mean(fit$data[[name]], na.rm = TRUE)
  }
  grid[[x]] <- seq(min(covariate, na.rm = TRUE), max(covariate, na.rm = TRUE), length.out = n)
  weights <- stats::predict(fit, newdata = grid, type = "gate")
  colours <- seq_len(fit$K) + 1L
  if (is.null(main)) main <- sprintf("Gate weights (%s)", fit$gate)
  graphics::matplot(grid[[x]], weights, type = "l", lty = 1, lwd = 2, col = colours, ylim = c(0, 1),
                    xlab = x, ylab = "gate weight", main = main, ...)
  graphics::legend("topright", legend = component_names(fit$K), col = colours, lty = 1, bty = "n")
  out <- data.frame(grid[[x]], weights)
  names(out) <- c(x, component_names(fit$K))
  invisible(out)
}
