#' Tone perception data
#'
#' A tone perception experiment of Cohen (1980): a pure fundamental tone with electronically
#' generated overtones was played to a trained musician, who tuned an adjustable tone to the one she
#' heard. A classic example of a mixture of two regressions: some tunings follow the stretched
#' overtones, others the fundamental.
#'
#' @format A data frame with 150 rows and 2 columns:
#' \describe{
#'   \item{stretchratio}{the ratio of the overtones' frequencies to the fundamental's (the
#'     stimulus).}
#'   \item{tuned}{the ratio of the tone the musician tuned to, to the fundamental (the response).}
#' }
#' @source `tonedata` in the R package mixtools 2.0.0, which cites E. A. Cohen (1980),
#'   *Inharmonic tone perception*, PhD thesis, Stanford University. Licensed GPL (>= 2), as
#'   mixtools. The same data are shipped as `datasets/tonedata.csv` for the command-line tool.
#' @references De Veaux, R. D. (1989). Mixtures of linear regressions. *Computational Statistics &
#'   Data Analysis* 8, 227-245.
#'
#'   Viele, K. and Tong, B. (2002). Modeling with mixtures of linear regressions. *Statistics and
#'   Computing* 12, 315-330.
#' @examples
#' plot(tuned ~ stretchratio, data = tonedata)
#' moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1, starts = 3)
"tonedata"

#' Simulated motorcycle accident data
#'
#' Head acceleration measured at times after a simulated motorcycle impact, used to test crash
#' helmets. Its changing mean and variance suit a mixture of experts with a covariate-dependent
#' gate.
#'
#' @format A data frame with 133 rows and 2 columns:
#' \describe{
#'   \item{times}{time after impact, in milliseconds.}
#'   \item{accel}{head acceleration, in g.}
#' }
#' @source `mcycle` in the R package MASS 7.3, from B. W. Silverman (1985), Some aspects of the
#'   spline smoothing approach to non-parametric curve fitting, *Journal of the Royal Statistical
#'   Society B* 47, 1-52. Licensed GPL-2 | GPL-3, as MASS. The same data are shipped as
#'   `datasets/mcycle.csv` for the command-line tool.
#' @examples
#' plot(accel ~ times, data = mcycle)
#' moe(accel ~ times, data = mcycle, K = 3, seed = 1, starts = 3)
"mcycle"
