// Random effects in the gate (Fung & Tseung 2025): recovery, the zero-variance limit, monotone EM.
#include <gtest/gtest.h>

#include <cmath>

#include "mixed_support.hpp"

namespace moest {
namespace {

MixedOptions GateOptions() {
  MixedOptions options;
  options.placement = RandomPlacement::Gate;
  options.fit.starts = 2;
  options.fit.seed = 3;
  options.fit.em.tolerance = 1e-9;
  return options;
}

// Index of the component whose expert intercept is larger (the truth's component 2).
arma::uword SecondComponent(const Model& model) {
  return model.expert(1).Blocks()[0].value(0) > model.expert(0).Blocks()[0].value(0) ? 1 : 0;
}

TEST(MixedGate, RecoversFixedEffectsAndLoading) {
  // 150 groups of 20. With well-separated experts the labels are nearly known, so each group's
  // logit intercept is estimated with variance about 1 / (20 p (1 - p)) ~ 0.25; the variance of
  // beta u + noise, 1.44 + 0.25, has SE ~ 1.69 sqrt(2 / 150) = 0.2, i.e. SE(beta) ~ 0.08: 0.25 is
  // three of them. Fixed effects: SE ~ 0.12 (intercept, inflated by the random effect), 0.1 (slope).
  const test::GroupedData d = test::SimulateGateRandom(150, 20, 0.3, 1.5, 1.2, 11);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  SilentObserver observer;
  const MixedFit fit = FitMixed(prototype, d.View(), d.ones, GateOptions(), observer);
  ASSERT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  EXPECT_EQ(fit.integration, "adaptive Gauss-Hermite");
  EXPECT_EQ(fit.nodesPerGroup, 15u);
  const arma::uword two = SecondComponent(fit.model), one = 1 - two;
  const arma::mat w = fit.model.gate().Blocks()[0].value;  // 3 x 2: intercept, slope, loading
  const double sign = two == 1 ? 1.0 : -1.0;
  EXPECT_NEAR(sign * (w(0, two) - w(0, one)), 0.3, 0.4);
  EXPECT_NEAR(sign * (w(1, two) - w(1, one)), 1.5, 0.35);
  EXPECT_NEAR(std::abs(w(2, two) - w(2, one)), 1.2, 0.25);
  // The variance component is beta^2 on the non-reference component.
  EXPECT_NEAR(fit.varianceComponents[0](1, 1), std::pow(w(2, 1), 2), 1e-12);
  EXPECT_EQ(fit.ranef.n_rows, 150u);
  EXPECT_EQ(fit.groupLabels(1), 13u);
  // Predicted random effects track the simulated u (not stored): they should spread with sd near 1
  // shrunk towards 0 by the posterior (between 0.6 and 1.1).
  const double spread = arma::stddev(fit.ranef.col(0));
  EXPECT_GT(spread, 0.6);
  EXPECT_LT(spread, 1.1);
  EXPECT_TRUE(arma::all(fit.ranefSd.col(0) > 0.0));
  // Experts: SE of the intercepts about 0.5 / sqrt(1500) ~ 0.013.
  EXPECT_NEAR(fit.model.expert(two).Blocks()[0].value(0), 2.0, 0.06);
  EXPECT_NEAR(fit.model.expert(one).Blocks()[0].value(0), -2.0, 0.06);
  test::ExpectMonotoneWithinPhases(fit.stats, fit.adaptations);
}

TEST(MixedGate, ZeroVarianceEqualsPlainMoe) {
  const test::GroupedData d = test::SimulateGateRandom(60, 10, 0.3, 1.5, 1.0, 5);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  MixedOptions options = GateOptions();
  options.fixVarianceAtZero = true;
  options.fit.em.tolerance = 1e-13;
  SilentObserver observer;
  const MixedFit fit = FitMixed(prototype, d.View(), d.ones, options, observer);
  const FitResult plain = Fit(prototype, Data(d.y, d.x, d.x), options.fit, observer);
  EXPECT_NEAR(fit.stats.logLikelihood, plain.stats.logLikelihood, 1e-8 * std::abs(plain.stats.logLikelihood));
  EXPECT_EQ(fit.varianceComponents[0](1, 1), 0.0);
  EXPECT_EQ(fit.stats.nParameters, plain.stats.nParameters);
}

TEST(MixedGate, RandomEffectsRaiseTheLikelihoodOverThePlainFit) {
  const test::GroupedData d = test::SimulateGateRandom(60, 10, 0.0, 1.0, 1.5, 8);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  SilentObserver observer;
  const MixedFit fit = FitMixed(prototype, d.View(), d.ones, GateOptions(), observer);
  const FitResult plain = Fit(prototype, Data(d.y, d.x, d.x), GateOptions().fit, observer);
  EXPECT_GT(fit.stats.logLikelihood, plain.stats.logLikelihood + 5.0);
  EXPECT_EQ(fit.stats.nParameters, plain.stats.nParameters + 1);
}

TEST(MixedGate, QuadratureOrderConvergesAndMonteCarloRuns) {
  const test::GroupedData d = test::SimulateGateRandom(50, 10, 0.0, 1.0, 1.0, 21);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  SilentObserver observer;
  MixedOptions options = GateOptions();
  options.fit.em.tolerance = 1e-7;
  options.quadratureOrder = 10;
  const MixedFit ten = FitMixed(prototype, d.View(), d.ones, options, observer);
  options.quadratureOrder = 20;
  const MixedFit twenty = FitMixed(prototype, d.View(), d.ones, options, observer);
  // Adaptive quadrature of a smooth one-dimensional integrand: 10 nodes already agree closely.
  EXPECT_NEAR(ten.stats.logLikelihood, twenty.stats.logLikelihood, 1e-3);
  options.quadratureOrder = 15;
  options.monteCarloSize = 200;
  const MixedFit mc = FitMixed(prototype, d.View(), d.ones, options, observer);
  EXPECT_EQ(mc.integration, "Monte Carlo");
  EXPECT_EQ(mc.nodesPerGroup, 200u);
  // 200 fixed draws: the simulated likelihood is within a few units of the quadrature one.
  EXPECT_NEAR(mc.stats.logLikelihood, twenty.stats.logLikelihood, 3.0);
  test::ExpectMonotoneWithinPhases(mc.stats, mc.adaptations);
}

TEST(MixedGate, TwoDimensionalRandomEffectsForThreeComponents) {
  // K = 3 with d = 2: a 5 x 5 tensor grid per group.
  Rng rng(4);
  const arma::uword G = 40, m = 12, n = G * m;
  arma::mat y(n, 1), x(n, 2), ones(n, 1, arma::fill::ones);
  arma::uvec group(n);
  x.col(0).ones();
  for (arma::uword g = 0; g < G; ++g) {
    const double u1 = rng.Normal(), u2 = rng.Normal();
    for (arma::uword j = 0; j < m; ++j) {
      const arma::uword i = g * m + j;
      x(i, 1) = -1.0 + 2.0 * rng.Uniform();
      arma::rowvec logits = {0.0, 0.8 * u1, 0.8 * u2 + x(i, 1)};
      logits = arma::exp(logits - logits.max());
      const arma::uword k = rng.Categorical(logits);
      y(i, 0) = -4.0 + 4.0 * double(k) + 0.5 * rng.Normal();
      group(i) = g;
    }
  }
  MixedOptions options = GateOptions();
  options.fit.em.tolerance = 1e-7;
  options.dimension = 2;
  options.quadratureOrder = 5;
  SilentObserver observer;
  const MixedFit fit = FitMixed(Model::Make("gaussian", "softmax", 2, 2, 3), Data(y, x, x, &group), ones, options,
                                observer);
  EXPECT_EQ(fit.nodesPerGroup, 25u);
  EXPECT_EQ(fit.ranef.n_cols, 2u);
  EXPECT_TRUE(std::isfinite(fit.stats.logLikelihood));
  test::ExpectMonotoneWithinPhases(fit.stats, fit.adaptations);
  // Rotation of u is not identified when d > 1: one parameter fewer than the loadings.
  EXPECT_EQ(fit.stats.nParameters, 4u * 2u + 3u * 3u - 1u);
}

}  // namespace
}  // namespace moest
