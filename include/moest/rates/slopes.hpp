// Log-log rate fits of a study: for each fitted K and loss, the OLS slope of log(mean loss over
// replicates) (or the median) on log n, with its 95% confidence interval (Student t), beside the
// slope the theory predicts (THEORY.md section 5).
#pragma once

#include <string>
#include <vector>

#include "moest/rates/study.hpp"

namespace moest {

struct SlopeOptions {
  arma::uword n0 = 0;         // only sizes n >= n0 enter the fit
  bool polynomialTheory = true;  // false: the theory gives no polynomial rate (theory slopes NaN)
};

struct SlopeFit {
  arma::uword K = 0;
  std::string loss;
  std::string statistic;      // "mean" or "median"
  double slope = arma::datum::nan;
  double lower = arma::datum::nan, upper = arma::datum::nan;  // 95% interval
  double theory = arma::datum::nan;
  arma::uword points = 0;     // sizes with a finite, positive aggregate
};

/**
 * The slope the theory predicts for loss column `loss` with K fitted and Kstar true atoms: -1/2 for the
 * exact-fitted case and for D2 and the weight term; for an over-fitted part p (a cell of
 * m = K - Kstar + 1 atoms) -1/(2 rbar(m) order_p); D1 over-fitted follows its slowest part; W1 and
 * Wrbar -1/(2 rbar(m)). NaN when m > 3 or the loss has no prediction.
 */
double TheoreticalSlope(const std::string& loss, arma::uword K, arma::uword Kstar, const VoronoiExponents& exponents);

/** The loss columns of a study table (D1 onwards). */
std::vector<std::string> LossColumns(const StudyTable& table);

/** Every (K, loss, statistic) slope of `table`. */
std::vector<SlopeFit> FitRateSlopes(const StudyTable& table, arma::uword Kstar, const VoronoiExponents& exponents,
                                    const SlopeOptions& options);

/** OLS slope of y on x with its 95% interval: {slope, lower, upper}; NaN with fewer than 3 points. */
arma::vec OlsSlope(const arma::vec& x, const arma::vec& y);

}  // namespace moest
