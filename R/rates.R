#' Convergence-rate studies of mixture-of-experts estimation
#'
#' Simulates from a known true model at every sample size of a grid, fits each number of components
#' by EM from near-true starts (as in the papers of THEORY.md section 6) or from moest's random
#' starts, and scores every fit with the Voronoi losses D1 and D2 (with each parameter's own part)
#' and, for covariate-free gates, the Wasserstein distances W1 and W_rbar between mixing measures.
#'
#' @param preset the name of a published setup; `moe_rates_presets()` lists them.
#' @param truth instead of a preset, a fitted `moe` object used as the true model (its designs must be
#'   `[1, x]`, the gate `[1, x]` or `[1]`).
#' @param sizes sample sizes (default: the preset's).
#' @param replicates replicates per (n, K) (default: the preset's).
#' @param K fitted numbers of components (default: the preset's).
#' @param one_step `TRUE` for exactly one EM step from the start (the published Gaussian-gated runs),
#'   `FALSE` for converged EM (relative tolerance 1e-6, at most 2000 iterations); `NULL`: the preset's.
#' @param threads OpenMP threads (default: all); the result does not depend on it.
#' @param seed random seed.
#' @param quick the preset at a size that runs in seconds.
#' @param start `"near-true"` or `"random"` starts.
#' @param starts random starts per fit when `start = "random"`.
#' @param covariates with `truth`: covariates on a grid of \[0, 1\], U\[0, 1\], or drawn from a density gate.
#' @param file a CSV file to write the study to (atomically, checkpointed while running).
#' @param resume keep the finished rows of `file` and run only the others.
#' @param n0 fit the slopes on sizes `n >= n0` only.
#' @param verbose print progress.
#' @return A data frame of class `"moe_rates"`, one row per (n, K, replicate): `status`,
#'   `iterations`, `log_likelihood`, the losses `D1`, `D2`, `weight`, one column per parameter part
#'   (`gate_slope`, `expert_intercept`, ...) and `W1`, `Wrbar` for covariate-free gates. The slope
#'   table (OLS of log mean or median loss on log n, 95% intervals, the theory's slope) is in
#'   `attr(x, "slopes")`; `summary()` prints it and `plot()` draws the losses with ggplot2.
#' @examples
#' r <- moe_rates("softmax-exact", quick = TRUE, replicates = 2, threads = 1)
#' summary(r)
#' @export
moe_rates <- function(preset = NULL, truth = NULL, sizes = NULL, replicates = NULL, K = NULL,
                      one_step = NULL, threads = NULL, seed = 1, quick = FALSE,
                      start = c("near-true", "random"), starts = 10,
                      covariates = c("grid", "uniform", "gate"), file = NULL, resume = FALSE,
                      n0 = NULL, verbose = FALSE) {
  start <- match.arg(start)
  covariates <- match.arg(covariates)
  if (is.null(preset) == is.null(truth)) stop("give either 'preset' or 'truth'", call. = FALSE)
  if (!is.null(truth) && !inherits(truth, "moe")) stop("'truth' must be a fitted 'moe' object", call. = FALSE)
  if (!is.null(preset) && !(is.character(preset) && length(preset) == 1L)) {
    stop("'preset' must be one preset name (see moe_rates_presets())", call. = FALSE)
  }
  whole <- function(x, name) {
    if (is.null(x)) return(integer())
    if (!is.numeric(x) || any(!is.finite(x)) || any(x < 1) || any(x != round(x))) {
      stop("'", name, "' must be positive whole numbers", call. = FALSE)
    }
    as.integer(x)
  }
  if (resume && is.null(file)) stop("'resume' needs the study 'file' to resume", call. = FALSE)
  result <- moe_rates_cpp(
    preset_name = if (is.null(preset)) "" else preset, truth_json = if (is.null(truth)) "" else truth$json,
    covariates = covariates, sizes = whole(sizes, "sizes"),
    replicates = if (is.null(replicates)) 0L else whole(replicates, "replicates"),
    K = whole(K, "K"), one_step = if (is.null(one_step)) -1L else as.integer(isTRUE(one_step)),
    threads = if (is.null(threads)) 0L else whole(threads, "threads"), seed = seed, quick = isTRUE(quick),
    start = start, starts = whole(starts, "starts"), output = if (is.null(file)) "" else path.expand(file),
    resume = isTRUE(resume), n0 = if (is.null(n0)) 0 else n0, verbose = isTRUE(verbose))
  if (result$interrupted) warning("the study was interrupted: only the finished rows are returned", call. = FALSE)
  rows <- utils::read.csv(text = result$csv, stringsAsFactors = FALSE, na.strings = "NA")
  attr(rows, "slopes") <- result$slopes
  attr(rows, "preset") <- result[c("preset", "description", "published", "theory", "K_true", "one_step")]
  class(rows) <- c("moe_rates", "data.frame")
  rows
}

#' The presets of [moe_rates()]
#'
#' @return A data frame: preset name, description, published slope and the theory's rate.
#' @export
moe_rates_presets <- function() {
  as.data.frame(moe_rates_presets_cpp(), stringsAsFactors = FALSE)
}

# The loss columns of a study (D1 onwards).
rates_loss_columns <- function(object) {
  names(object)[seq(match("D1", names(object)), ncol(object))]
}

# Mean (or median) of each loss over the replicates, per (K, n): a long data frame.
rates_aggregate <- function(object, statistic = "mean") {
  fun <- if (statistic == "median") stats::median else mean
  losses <- rates_loss_columns(object)
  out <- list()
  for (loss in losses) {
    value <- stats::aggregate(object[[loss]], by = list(K = object$K, n = object$n),
                              FUN = function(v) fun(v[is.finite(v)]))
    out[[loss]] <- data.frame(K = value$K, n = value$n, loss = loss, value = value$x)
  }
  do.call(rbind, out)
}

#' @rdname moe_rates
#' @param object,x a `"moe_rates"` data frame.
#' @param ... unused.
#' @export
summary.moe_rates <- function(object, n0 = NULL, ...) {
  slopes <- attr(object, "slopes")
  if (!is.null(n0)) {
    theory <- slopes$theory
    names(theory) <- paste(slopes$K, slopes$loss)
    rows <- list()
    for (statistic in c("mean", "median")) {
      agg <- rates_aggregate(object[object$n >= n0, ], statistic)
      for (key in unique(paste(agg$K, agg$loss))) {
        a <- agg[paste(agg$K, agg$loss) == key & is.finite(agg$value) & agg$value > 0, ]
        fit <- if (nrow(a) >= 3) stats::lm(log(value) ~ log(n), data = a) else NULL
        ci <- if (is.null(fit)) c(NA, NA) else stats::confint(fit)[2, ]
        rows[[length(rows) + 1]] <- data.frame(
          K = a$K[1], loss = a$loss[1], statistic = statistic,
          slope = if (is.null(fit)) NA else unname(stats::coef(fit)[2]), lower = ci[1], upper = ci[2],
          theory = unname(theory[key]))
      }
    }
    slopes <- do.call(rbind, rows)
    rownames(slopes) <- NULL
  }
  structure(list(slopes = slopes, preset = attr(object, "preset")), class = "summary.moe_rates")
}

#' @rdname moe_rates
#' @export
print.summary.moe_rates <- function(x, ...) {
  p <- x$preset
  cat(p$preset, ": ", p$description, "\n", "published: ", p$published, "\n", "theory: ", p$theory, "\n\n", sep = "")
  s <- x$slopes
  s[c("slope", "lower", "upper", "theory")] <- lapply(s[c("slope", "lower", "upper", "theory")], round, 3)
  print(s, row.names = FALSE)
  invisible(x)
}

#' @rdname moe_rates
#' @param losses the loss columns to draw (default: every one).
#' @export
plot.moe_rates <- function(x, losses = NULL, ...) {
  if (!requireNamespace("ggplot2", quietly = TRUE)) stop("plot() of a rates study needs ggplot2", call. = FALSE)
  agg <- rates_aggregate(x, "mean")
  if (!is.null(losses)) agg <- agg[agg$loss %in% losses, ]
  agg <- agg[is.finite(agg$value) & agg$value > 0, ]
  agg$K <- factor(agg$K)
  agg$loss <- factor(agg$loss, levels = unique(agg$loss))
  slopes <- attr(x, "slopes")
  slopes <- slopes[slopes$statistic == "mean" & is.finite(slopes$theory), ]
  # The theoretical slope drawn through the mean of the points, per (K, loss).
  reference <- do.call(rbind, lapply(split(agg, list(agg$K, agg$loss), drop = TRUE), function(a) {
    th <- slopes$theory[slopes$K == as.integer(as.character(a$K[1])) & slopes$loss == as.character(a$loss[1])]
    if (length(th) == 0) return(NULL)
    data.frame(K = a$K[1], loss = a$loss[1], slope = th, intercept = mean(log(a$value)) - th * mean(log(a$n)))
  }))
  plot <- ggplot2::ggplot(agg, ggplot2::aes(x = log(.data$n), y = log(.data$value), colour = .data$K)) +
    ggplot2::geom_point(size = 0.8) +
    ggplot2::geom_smooth(method = "lm", formula = y ~ x, se = FALSE, linewidth = 0.6) +
    ggplot2::facet_wrap(~loss, scales = "free_y") +
    ggplot2::labs(x = "log n", y = "log mean loss", colour = "fitted K",
                  title = attr(x, "preset")$preset,
                  subtitle = "points: mean over replicates; solid: OLS fit; dashed: theoretical slope")
  if (!is.null(reference) && nrow(reference) > 0) {
    plot <- plot + ggplot2::geom_abline(data = reference, ggplot2::aes(slope = .data$slope, intercept = .data$intercept,
                                                                      colour = .data$K), linetype = "dashed")
  }
  plot
}
