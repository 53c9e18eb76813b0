#' moest: mixture-of-experts models
#'
#' moest fits mixture-of-experts models, in which the density of a response `y` given covariates
#' `x` is \deqn{p(y | x) = \sum_k g_k(x) f_k(y | x),}{p(y | x) = sum_k g_k(x) f_k(y | x),} a
#' covariate-dependent mixture: the gate \eqn{g} (a multinomial logit) weights the components and
#' every component \eqn{f_k} is an expert regression. The fitting is done by a C++17 core shared with
#' the `moest` command-line tool; both read and write the same JSON model files.
#'
#' Start with [moe()]; its result has the usual methods ([print][print.moe()],
#' [summary][summary.moe()], [coef][coef.moe()], [logLik][logLik.moe()], [predict][predict.moe()],
#' [simulate][simulate.moe()], [plot][plot.moe()], ...). Models are saved and read by [write_moe()]
#' and [read_moe()]. Two data sets are included: [tonedata] and [mcycle].
#'
#' Information criteria (AIC, BIC, ICL) are reported on the usual scale, on which smaller is better.
#'
#' @keywords internal
#' @useDynLib moest, .registration = TRUE
#' @importFrom Rcpp sourceCpp
#' @importFrom stats coef fitted logLik nobs predict residuals simulate vcov
#' @importFrom graphics plot
"_PACKAGE"
