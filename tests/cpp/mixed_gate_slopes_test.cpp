// Random slopes in the gate: logit_k += u'(a_k0 + a_k1 x), the machinery of random intercepts with
// the random terms (1, x) multiplying u.
#include <gtest/gtest.h>

#include <cmath>

#include "mixed_support.hpp"

namespace moest {
namespace {

/** K = 2: logit of component 2 = 0.2 + 1.2 x + b0_g + b1_g x, b0 ~ N(0, s0^2), b1 ~ N(0, s1^2). */
test::GroupedData SimulateSlopes(arma::uword G, arma::uword m, double s0, double s1, std::uint64_t seed) {
  return test::SimulateGateRandom(G, m, 0.2, 1.2, s0, seed, s1);
}

constexpr std::uint64_t kRecoverySeed = 32;

MixedOptions SlopeOptions() {
  MixedOptions options;
  options.fit.starts = 1;
  options.fit.seed = 2;
  options.fit.em.tolerance = 1e-8;
  options.quadratureOrder = 7;  // 49 nodes per group, adapted
  options.randomTerms = {"(Intercept)", "x"};
  return options;
}

TEST(MixedGateSlopes, RecoversTheSlopeVariance) {
  // 150 groups of 20 rows: the per-group slope is seen through about 20 nearly labelled rows with x
  // variance 1/3, so its own noise variance is about 4 / (20 / 3 p(1-p)) ~ 2.4 on top of s1^2 = 1;
  // SE(s1^2) ~ 3.4 sqrt(2 / 150) ~ 0.4 (the fits' own SEs on such data: 0.23 to 0.28), SE(s0^2)
  // ~ 0.2. Tolerances: 0.6 for the slope variance (1.5 to 2.5 SE), 0.5 for the intercept variance.
  const test::GroupedData d = SimulateSlopes(150, 20, 1.0, 1.0, kRecoverySeed);
  SilentObserver observer;
  const MixedFit fit = FitMixed(Model::Make("gaussian", "softmax", 2, 2, 2), d.View(), d.x, SlopeOptions(), observer);
  ASSERT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  EXPECT_EQ(fit.nodesPerGroup, 49u);
  EXPECT_EQ(fit.ranef.n_cols, 2u);
  const arma::uword two = fit.model.expert(1).Blocks()[0].value(0) > 0.0 ? 1 : 0;
  ASSERT_EQ(two, 1u) << "the plain start keeps the simulated order";
  const arma::mat& v = fit.varianceComponents[0];  // 4 x 4: (Comp.1, Comp.2) x (intercept, slope)
  ASSERT_EQ(v.n_rows, 4u);
  EXPECT_NEAR(v(2, 2), 1.0, 0.5);
  EXPECT_NEAR(v(3, 3), 1.0, 0.6);
  EXPECT_NEAR(v(2, 3) / std::sqrt(v(2, 2) * v(3, 3)), 0.0, 0.5);
  const arma::mat w = fit.model.gate().Blocks()[0].value;  // 6 x 2: 1, x, u1, u2, x u1, x u2
  EXPECT_NEAR(w(0, 1), 0.2, 0.3);
  EXPECT_NEAR(w(1, 1), 1.2, 0.35);
  // The rotation is fixed: the intercept's loading on u2 is 0.
  EXPECT_EQ(w(3, 1), 0.0);
  ASSERT_TRUE(fit.stats.standardErrors.positiveDefinite) << fit.stats.standardErrors.message;
  ASSERT_EQ(fit.varianceSe.size(), 1u);
  EXPECT_GT(fit.varianceSe[0](3, 3), 0.15);
  EXPECT_LT(fit.varianceSe[0](3, 3), 0.8);
  test::ExpectMonotoneWithinPhases(fit.stats, fit.adaptations);
}

TEST(MixedGateSlopes, NoSlopeVarianceMatchesTheInterceptOnlyFit) {
  // Truth without slope variance: the slope fit nests the intercept-only one (slope loadings 0), so
  // its likelihood is at least as high, and by little (about half a chi-square with 2 df).
  const test::GroupedData d = SimulateSlopes(80, 12, 1.0, 0.0, 5);
  SilentObserver observer;
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  const MixedFit slopes = FitMixed(prototype, d.View(), d.x, SlopeOptions(), observer);
  MixedOptions interceptOptions = SlopeOptions();
  interceptOptions.quadratureOrder = 15;
  const MixedFit intercepts = FitMixed(prototype, d.View(), d.ones, interceptOptions, observer);
  EXPECT_GE(slopes.stats.logLikelihood, intercepts.stats.logLikelihood - 1e-3);
  EXPECT_LT(slopes.stats.logLikelihood, intercepts.stats.logLikelihood + 4.0);
  EXPECT_LT(slopes.varianceComponents[0](3, 3), 0.5);
  EXPECT_NEAR(slopes.varianceComponents[0](2, 2), intercepts.varianceComponents[0](1, 1), 0.3);
  EXPECT_EQ(slopes.stats.nParameters, intercepts.stats.nParameters + 2);
}

TEST(MixedGateSlopes, ZeroVarianceEqualsPlainMoe) {
  const test::GroupedData d = SimulateSlopes(40, 8, 1.0, 1.0, 7);
  MixedOptions options = SlopeOptions();
  options.fixVarianceAtZero = true;
  options.fit.em.tolerance = 1e-13;
  SilentObserver observer;
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  const MixedFit fit = FitMixed(prototype, d.View(), d.x, options, observer);
  const FitResult plain = Fit(prototype, Data(d.y, d.x, d.x), options.fit, observer);
  EXPECT_NEAR(fit.stats.logLikelihood, plain.stats.logLikelihood, 1e-8 * std::abs(plain.stats.logLikelihood));
  EXPECT_EQ(fit.stats.nParameters, plain.stats.nParameters);
}

TEST(MixedGateSlopes, ASlopeOutsideTheGateFormulaIsAllowed) {
  // Gate design: intercept only; the random slope on x has mean 0.
  const test::GroupedData d = SimulateSlopes(40, 8, 0.5, 1.0, 8);
  const arma::mat gate = d.ones;
  SilentObserver observer;
  const MixedFit fit = FitMixed(Model::Make("gaussian", "softmax", 2, 1, 2), Data(d.y, d.x, gate, &d.group), d.x,
                                SlopeOptions(), observer);
  EXPECT_TRUE(std::isfinite(fit.stats.logLikelihood));
  EXPECT_EQ(fit.model.gate().Blocks()[0].value.n_rows, 5u);  // 1, u1, u2, x u1, x u2
}

}  // namespace
}  // namespace moest
