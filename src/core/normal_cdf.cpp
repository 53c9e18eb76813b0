#include "moest/numerics/normal_cdf.hpp"

#include <cmath>

namespace moest::numerics {

namespace {
constexpr double kLogSqrtTwoPi = 0.91893853320467274178;
constexpr double kInverseSqrtTwo = 0.70710678118654752440;
}  // namespace

double LogNormalDensity(double x) { return -0.5 * x * x - kLogSqrtTwoPi; }

double LogNormalCdf(double x) {
  if (x > -30.0) return std::log(0.5 * std::erfc(-x * kInverseSqrtTwo));
  // Lower tail: Phi(x) = phi(x) / (-x) (1 - 1/x^2 + 3/x^4 - 15/x^6 + ...), accurate to ~1e-10 here.
  const double inverseSquare = 1.0 / (x * x);
  const double series = 1.0 - inverseSquare * (1.0 - inverseSquare * (3.0 - 15.0 * inverseSquare));
  return LogNormalDensity(x) - std::log(-x) + std::log(series);
}

double InverseMillsRatio(double x) { return std::exp(LogNormalDensity(x) - LogNormalCdf(x)); }

}  // namespace moest::numerics
