// Simulated grouped data for the mixed-effects tests.
#pragma once

#include <cmath>

#include "test_support.hpp"

namespace moest::test {

struct GroupedData {
  arma::mat y, x, ones;  // x = [1, x]; ones = the random-intercept design
  arma::uvec group;
  arma::uvec component;  // the simulated component of each row
  Data View() const { return Data(y, x, x, &group); }
};

/**
 * Random effects in the gate: G groups of m rows, x ~ U(-1, 1), K = 2. logit of component 2 =
 * a0 + a1 x + beta u_g (+ slopeSd v_g x), u_g, v_g ~ N(0, 1); experts y = -2 + x + e and
 * y = 2 - x + e, sd 0.5.
 */
inline GroupedData SimulateGateRandom(arma::uword G, arma::uword m, double a0, double a1, double beta,
                                      std::uint64_t seed, double slopeSd = 0.0) {
  Rng rng(seed);
  GroupedData d;
  const arma::uword n = G * m;
  d.y.set_size(n, 1);
  d.x.set_size(n, 2);
  d.x.col(0).ones();
  d.ones.ones(n, 1);
  d.group.set_size(n);
  for (arma::uword g = 0; g < G; ++g) {
    const double u = rng.Normal();
    const double slope = slopeSd > 0.0 ? slopeSd * rng.Normal() : 0.0;
    for (arma::uword j = 0; j < m; ++j) {
      const arma::uword i = g * m + j;
      const double x = -1.0 + 2.0 * rng.Uniform();
      const double p2 = 1.0 / (1.0 + std::exp(-(a0 + a1 * x + beta * u + slope * x)));
      const bool second = rng.Uniform() < p2;
      d.x(i, 1) = x;
      d.group(i) = 10 + 3 * g;  // ids need not be dense
      d.y(i, 0) = (second ? 2.0 - x : -2.0 + x) + 0.5 * rng.Normal();
    }
  }
  return d;
}

/**
 * Random intercepts in the experts: G groups of m rows, each group in one component (P(2) = pi2),
 * y = b_k0 + b_k1 x + b_g + e with b_g ~ N(0, tau_k^2), e ~ N(0, sigma_k^2).
 */
inline GroupedData SimulateExpertRandom(arma::uword G, arma::uword m, double pi2, const arma::mat& beta,
                                        const arma::vec& tau, const arma::vec& sigma, std::uint64_t seed) {
  Rng rng(seed);
  GroupedData d;
  const arma::uword n = G * m;
  d.y.set_size(n, 1);
  d.x.set_size(n, 2);
  d.x.col(0).ones();
  d.ones.ones(n, 1);
  d.group.set_size(n);
  for (arma::uword g = 0; g < G; ++g) {
    const arma::uword k = rng.Uniform() < pi2 ? 1 : 0;
    d.component.resize(n);
    const double b = tau(k) * rng.Normal();
    for (arma::uword j = 0; j < m; ++j) {
      const arma::uword i = g * m + j;
      const double x = rng.Uniform();
      d.x(i, 1) = x;
      d.group(i) = g;
      d.y(i, 0) = beta(0, k) + beta(1, k) * x + b + sigma(k) * rng.Normal();
      d.component(i) = k;
    }
  }
  return d;
}

/** No decrease inside an EM phase (the grids are fixed there, so EM is exact and monotone). */
inline void ExpectMonotoneWithinPhases(const FitStatistics& stats, const std::vector<int>& adaptations) {
  for (std::size_t t = 1; t < stats.trace.size(); ++t) {
    bool phaseStart = false;
    for (int a : adaptations) phaseStart = phaseStart || stats.trace[t].iteration == a + 1;
    if (phaseStart) continue;
    const double step = stats.trace[t].logLikelihood - stats.trace[t - 1].logLikelihood;
    EXPECT_GE(step, -1e-8 * std::abs(stats.trace[t - 1].logLikelihood)) << "iteration " << stats.trace[t].iteration;
  }
}

}  // namespace moest::test
