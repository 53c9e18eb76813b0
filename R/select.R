#' Choose K (and the gate and expert families) by an information criterion
#'
#' Fits [moe()] for every combination of `K`, `gate` and `expert` and ranks the fits by BIC, ICL or
#' AIC, all on the usual scale: smaller is better.
#'
#' @param formula,data As for [moe()].
#' @param K The numbers of components to try (whole numbers of at least 1), e.g. `1:6`.
#' @param gate,expert Character vectors of gate and expert families to try (see [moe()]).
#' @param criterion `"bic"`, `"icl"` or `"aic"`.
#' @param ... Further arguments of [moe()] for every fit (`starts`, `seed`, `control`, ...).
#' @return A data frame of class `"moe_select"`, one row per fit ordered by the criterion (best
#'   first), with columns `K`, `gate`, `expert`, `logLik`, `df`, `value` (the criterion) and
#'   `status`; the attribute `"fits"` holds the fitted objects in the same order, `"best"` the best
#'   one, and `"criterion"` the criterion's name.
#' @seealso [moe()]
#' @examples
#' s <- moe_select(tuned ~ stretchratio, data = tonedata, K = 1:3, starts = 2, seed = 1)
#' s
#' plot(s)
#' @export
moe_select <- function(formula, data, K = 1:4, gate = "softmax", expert = "gaussian",
                       criterion = c("bic", "icl", "aic"), ...) {
  criterion <- match.arg(criterion)
  if (!is.numeric(K) || length(K) == 0L || anyNA(K) || any(K < 1) || any(K != round(K))) {
    stop("'K' must be whole numbers of at least 1, such as 1:6", call. = FALSE)
  }
  if (!is.character(gate) || !is.character(expert) || length(gate) == 0L || length(expert) == 0L) {
    stop("'gate' and 'expert' must be character vectors of family names", call. = FALSE)
  }
  grid <- expand.grid(K = sort(unique(as.integer(K))), expert = expert, gate = gate,
                      stringsAsFactors = FALSE)[, c("K", "gate", "expert")]
  fits <- vector("list", nrow(grid))
  # Largest K first: a K range too large for the data fails at once, not after the smaller fits.
  for (i in rev(seq_len(nrow(grid)))) {
    fits[[i]] <- suppressWarnings(moe(formula, data = data, K = grid$K[i], gate = grid$gate[i],
                                      expert = grid$expert[i], ...))
  }
  key <- toupper(criterion)
  value <- vapply(fits, function(f) if (is.null(f[[key]])) NA_real_ else as.numeric(f[[key]]), 0)
  table <- data.frame(grid, logLik = vapply(fits, function(f) as.numeric(f$logLik), 0),
                      df = vapply(fits, function(f) as.numeric(f$df), 0), value = value,
                      status = vapply(fits, function(f) f$status, ""), stringsAsFactors = FALSE)
  order <- order(table$value, na.last = TRUE)
  table <- table[order, , drop = FALSE]
  rownames(table) <- NULL
  structure(table, class = c("moe_select", "data.frame"), fits = fits[order], best = fits[[order[1L]]],
            criterion = criterion)
}

#' @rdname moe_select
#' @param x A `"moe_select"` object.
#' @export
print.moe_select <- function(x, ...) {
  cat(sprintf("Model selection by %s (smaller is better)\n", toupper(attr(x, "criterion"))))
  shown <- as.data.frame(unclass(x), stringsAsFactors = FALSE)
  names(shown)[names(shown) == "value"] <- toupper(attr(x, "criterion"))
  print(shown, row.names = TRUE)
  invisible(x)
}

#' @rdname moe_select
#' @param y Ignored.
#' @export
plot.moe_select <- function(x, y, ...) {
  groups <- unique(paste(x$gate, x$expert, sep = " / "))
  label <- paste(x$gate, x$expert, sep = " / ")
  finite <- is.finite(x$value)
  graphics::plot(x$K[finite], x$value[finite], type = "n", xlab = "K",
                 ylab = paste(toupper(attr(x, "criterion")), "(smaller is better)"), xaxt = "n", ...)
  graphics::axis(1, at = sort(unique(x$K)))
  for (g in seq_along(groups)) {
    rows <- which(label == groups[g] & finite)
    rows <- rows[order(x$K[rows])]
    graphics::lines(x$K[rows], x$value[rows], type = "b", col = g, pch = g)
  }
  if (length(groups) > 1L) graphics::legend("topright", legend = groups, col = seq_along(groups),
                                            pch = seq_along(groups), lty = 1, bty = "n")
  invisible(x)
}
