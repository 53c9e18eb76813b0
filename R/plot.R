#' Plot a mixture-of-experts fit
#'
#' `which = 1` plots the data: for a model whose experts use one numeric covariate, the response
#' against it with every expert's fitted mean curve, points coloured by their most probable
#' component; otherwise the response against the fitted conditional mean (for mvn experts, the
#' first response column). `which = 2` plots the
#' log-likelihood of every EM iteration of the kept start, which EM should never decrease (a
#' decrease is marked in red). `which = 3` plots the gate weights against the first gate covariate
#' (see [plot_gate()]). `which = 4` plots the empirical linear rate of EM,
#' \eqn{\sqrt{a_t}}{sqrt(a_t)} with \eqn{a_t = (l_{t+1} - l_t) / (l_t - l_{t-1})}, against the
#' iteration, with the fraction of missing information at the estimate (the theoretical rate) as a
#' dashed line; a rate near 1 means a singular or over-fitted model. `which = 5` (hierarchical models,
#' `moe(tree = )`) plots the gate weights by branch: every branch's probability (thick lines) and its
#' experts' weights (thin dashed lines in the branch's colour) against the first numeric gate
#' covariate.
#'
#' @param x A `"moe"` object. A model read by [read_moe()] stores no data: only `which = 2` works.
#' @param which Which plots to draw: 1 (data and experts), 2 (log-likelihood trace), 3 (gate
#'   weights against a covariate), 4 (EM rate), 5 (tree models: gate weights by branch), or several.
#' @param ask Whether to wait for the user before each plot.
#' @param ... Further graphical parameters passed to [plot()].
#' @return `x`, invisibly.
#' @examples
#' fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
#' plot(fit, which = 1)
#' plot(fit, which = 2)
#' plot(fit, which = 3)
#' @export
plot.moe <- function(x, which = if (has_data(x)) c(1L, 2L) else 2L,
                     ask = interactive() && length(which) > 1L &&
                       prod(graphics::par("mfcol")) < length(which), ...) {
  if (!is.numeric(which) || !all(which %in% 1:5)) stop("'which' must be among 1, 2, 3, 4 and 5", call. = FALSE)
  if (ask) {
    old <- graphics::par(ask = TRUE)
    on.exit(graphics::par(old))
  }
  if (1L %in% which) plot_moe_data(x, ...)
  if (2L %in% which) {
    graphics::plot(x$trace$iteration, x$trace$loglik, type = "b", pch = 20,
                   xlab = "EM iteration", ylab = "log-likelihood",
                   main = "Log-likelihood trace of the kept start", ...)
    down <- x$trace$decrease
    if (any(down)) {
      graphics::points(x$trace$iteration[down], x$trace$loglik[down], col = "red", pch = 4, cex = 2)
    }
  }
  if (3L %in% which) plot_gate(x, ...)
  if (4L %in% which) plot_moe_rate(x, ...)
  if (5L %in% which) plot_tree_branches(x, ...)
  invisible(x)
}

plot_moe_data <- function(x, main = NULL, ...) {
  if (!has_data(x)) stop_no_data("plot(which = 1)")
  if (!is.null(x$class_labels)) return(plot_class_probabilities(x, main = main, ...))
  if (!is.null(x$responses)) {
    # mvn experts: the first response column (predict(type = "experts") gives its expert means).
    x$y <- x$y[, 1L]
    x$fitted.values <- x$fitted.values[, 1L]
    x$response <- x$responses[1L]
  }
  colours <- seq_len(x$K) + 1L
  membership <- max.col(x$posterior, ties.method = "first")
  variables <- all.vars(x$terms$expert)
  if (length(variables) == 1L && is.numeric(x$data[[variables]])) {
    covariate <- x$data[[variables]]
    graphics::plot(covariate, x$y, col = colours[membership], pch = 20, xlab = variables,
                   ylab = x$response, main = if (is.null(main)) "Data and fitted experts" else main, ...)
    grid <- x$data[rep(1L, 200L), , drop = FALSE]
    grid[[variables]] <- seq(min(covariate), max(covariate), length.out = 200L)
    graphics::matlines(grid[[variables]], stats::predict(x, grid, type = "experts"),
                       col = colours, lty = 1, lwd = 2)
  } else {
    graphics::plot(x$fitted.values, x$y, col = colours[membership], pch = 20,
                   xlab = "fitted conditional mean", ylab = x$response,
                   main = if (is.null(main)) "Observed against fitted" else main, ...)
    graphics::abline(0, 1, lty = 2)
  }
  graphics::legend("topleft", legend = component_names(x$K), col = colours, pch = 20, lty = 1,
                   bty = "n")
}

# sqrt(a_t) from the trace where the changes stand above round-off, and the theoretical rate.
plot_moe_rate <- function(x, ...) {
  loglik <- x$trace$loglik
  change <- diff(loglik)
  usable <- abs(change) > 1e-11 * pmax(1, abs(loglik[-1]))
  ratio <- change[-1] / change[-length(change)]
  ratio[!(usable[-1] & usable[-length(usable)])] <- NA
  rate <- sqrt(pmax(ratio, 0))
  theory <- if (is.null(x$diagnostics)) NA_real_ else x$diagnostics$missing_information_rate
  if (all(is.na(rate))) stop("the trace is too short to show a rate", call. = FALSE)
  graphics::plot(seq_along(rate) + 2L, rate, type = "b", pch = 20, ylim = c(0, 1.05),
                 xlab = "EM iteration", ylab = "empirical rate sqrt(a_t)",
                 main = "Linear rate of EM", ...)
  if (is.finite(theory)) graphics::abline(h = theory, lty = 2, col = "blue")
  graphics::abline(h = 1, lty = 3, col = "red")
  invisible(rate)
}

# Multinomial experts: the fitted class probabilities against the one numeric expert covariate, with
# the observed classes as a rug (each class at its own height, in its colour).
plot_class_probabilities <- function(x, main = NULL, ...) {
  variables <- all.vars(x$terms$expert)
  if (length(variables) != 1L || !is.numeric(x$data[[variables]])) {
    stop("plot(which = 1) of multinomial experts needs exactly one numeric expert covariate",
         call. = FALSE)
  }
  covariate <- x$data[[variables]]
  grid <- x$data[rep(1L, 200L), , drop = FALSE]
  grid[[variables]] <- seq(min(covariate), max(covariate), length.out = 200L)
  p <- stats::predict(x, grid, type = "probabilities")
  colours <- seq_along(x$class_labels) + 1L
  graphics::matplot(grid[[variables]], p, type = "l", lty = 1, lwd = 2, col = colours,
                    ylim = c(0, 1), xlab = variables, ylab = "class probability",
                    main = if (is.null(main)) "Fitted class probabilities" else main, ...)
  heights <- seq(0.02, 0.98, length.out = length(x$class_labels))
  graphics::points(covariate, heights[x$y + 1], col = colours[x$y + 1], pch = "|", cex = 0.6)
  graphics::legend("topright", legend = x$class_labels, col = colours, lty = 1, bty = "n")
}

# A tree model's gate weights by branch against the first numeric gate covariate (or the row index).
plot_tree_branches <- function(x, ...) {
  structure <- tree_structure(x)
  if (is.null(structure)) stop("plot(which = 5) needs a hierarchical model (moe(tree = ))", call. = FALSE)
  if (!has_data(x)) stop_no_data("plot(which = 5)")
  gate <- predict.moe(x, type = "gate")
  covariate <- x$x$gate[, setdiff(colnames(x$x$gate), "(Intercept)"), drop = FALSE]
  label <- if (ncol(covariate) > 0L) colnames(covariate)[1L] else "observation"
  z <- if (ncol(covariate) > 0L) covariate[, 1L] else seq_len(nrow(gate))
  order <- order(z)
  # The top-level children of the root: a branch (its probability) or a single expert.
  top <- structure$nodes[[1L]]
  colours <- seq_along(top$children) + 1L
  top_weights <- vapply(top$experts, function(e) rowSums(gate[, e, drop = FALSE]), numeric(nrow(gate)))
  top_weights <- matrix(top_weights, nrow = nrow(gate))
  graphics::matplot(z[order], top_weights[order, , drop = FALSE], type = "l", lty = 1, lwd = 3,
                    col = colours, ylim = c(0, 1), xlab = label, ylab = "gate weight",
                    main = sprintf("Gate weights by branch (tree %s)", structure$shape), ...)
  for (j in seq_along(top$experts)) {
    if (length(top$experts[[j]]) > 1L) {
      graphics::matlines(z[order], gate[order, top$experts[[j]], drop = FALSE], lty = 2, lwd = 1,
                         col = colours[j])
    }
  }
  graphics::legend("topright", legend = top$children, col = colours, lty = 1, lwd = 3, bty = "n")
  invisible(top_weights)
}
