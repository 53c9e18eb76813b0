#include "moest/expert/sampling.hpp"

#include <cmath>

namespace moest::sampling {

double Gamma(Rng& rng, double shape) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a).
    const double u = rng.Uniform();
    return Gamma(rng, shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = rng.Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.Uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Poisson(Rng& rng, double mean) {
  if (!(mean > 0.0)) return 0.0;
  if (mean < 10.0) {
    const double u = rng.Uniform();
    double p = std::exp(-mean), cumulative = p;
    double k = 0.0;
    while (u > cumulative && k < 1000.0) {
      k += 1.0;
      p *= mean / k;
      cumulative += p;
    }
    return k;
  }
  const double root = std::sqrt(mean);
  const double logMean = std::log(mean);
  const double b = 0.931 + 2.53 * root;
  const double a = -0.059 + 0.02483 * b;
  const double inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.Uniform() - 0.5;
    const double v = rng.Uniform();
    const double us = 0.5 - std::abs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inverseAlpha) - std::log(a / (us * us) + b) <=
        -mean + k * logMean - std::lgamma(k + 1.0)) {
      return k;
    }
  }
}

}  // namespace moest::sampling
