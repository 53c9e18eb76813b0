// Random effects in Gaussian experts (FLXMRlmm / regmixEM.mixed model): recovery, the zero-variance
// limit, monotone EM.
#include <gtest/gtest.h>

#include <cmath>

#include "mixed_support.hpp"

namespace moest {
namespace {

MixedOptions ExpertOptions() {
  MixedOptions options;
  options.placement = RandomPlacement::Expert;
  options.fit.starts = 4;
  options.fit.seed = 2;
  options.fit.em.tolerance = 1e-10;
  return options;
}

TEST(MixedExpert, RecoversFixedEffectsAndVarianceComponents) {
  // 120 groups of 8: about 50 and 70 groups per component. SE(tau^2) ~ tau^2 sqrt(2 / G_k) plus the
  // noise of the group means (sigma^2 / 8): about 0.23 for tau^2 = 1 and 0.06 for 0.25; SE(sigma^2)
  // ~ sigma^2 sqrt(2 / (n_k - G_k)): 0.02 and 0.05. Tolerances are about three SE.
  const arma::mat beta = {{-3.0, 3.0}, {2.0, -1.0}};
  const arma::vec tau = {1.0, 0.5}, sigma = {0.5, 0.8};
  const test::GroupedData d = test::SimulateExpertRandom(120, 8, 0.6, beta, tau, sigma, 17);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 1, 2);
  const arma::mat ones(d.y.n_rows, 1, arma::fill::ones);
  SilentObserver observer;
  const MixedFit fit = FitMixed(prototype, Data(d.y, d.x, ones, &d.group), d.ones, ExpertOptions(), observer);
  ASSERT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  const arma::uword first = fit.model.expert(0).Blocks()[0].value(0) < 0.0 ? 0 : 1, second = 1 - first;
  const double taus2[2] = {1.0, 0.25};
  const double sigmas2[2] = {0.25, 0.64};
  const arma::uword order[2] = {first, second};
  for (int j = 0; j < 2; ++j) {
    const ParameterBlocks b = fit.model.expert(order[j]).Blocks();
    EXPECT_NEAR(b[0].value(0), beta(0, j), 0.5) << "intercept " << j;
    EXPECT_NEAR(b[0].value(1), beta(1, j), 0.25) << "slope " << j;
    EXPECT_NEAR(std::pow(b[1].value(0, 0), 2), sigmas2[j], 3 * (j == 0 ? 0.02 : 0.05)) << "sigma^2 " << j;
    EXPECT_NEAR(fit.varianceComponents[order[j]](0, 0), taus2[j], j == 0 ? 0.7 : 0.2) << "tau^2 " << j;
  }
  // The mixing weight: 0.6 in the model, SE 0.045 from 120 groups; these components are so far apart
  // that the groups' posteriors are nearly 0 or 1, so the estimate is the realised share of groups.
  const arma::mat w = fit.model.gate().Blocks()[0].value;
  const double logit = w(0, second) - w(0, first);
  const double realised = arma::mean(arma::conv_to<arma::vec>::from(d.component));
  EXPECT_NEAR(1.0 / (1.0 + std::exp(-logit)), realised, 0.02);
  EXPECT_NEAR(realised, 0.6, 0.2);
  EXPECT_EQ(fit.groupPosterior.n_rows, 120u);
  EXPECT_NEAR(arma::accu(fit.groupPosterior), 120.0, 1e-8);
  test::ExpectMonotoneWithinPhases(fit.stats, {});
  // 2 x (2 coefficients + sigma + tau^2) + 1 mixing logit.
  EXPECT_EQ(fit.stats.nParameters, 9u);
}

TEST(MixedExpert, ZeroVarianceWithSingletonGroupsEqualsPlainMoe) {
  // Every row its own group and tau fixed at 0: exactly the plain mixture of regressions.
  const arma::mat beta = {{-1.0, 1.5}, {1.0, -1.0}};
  const test::GroupedData d = test::SimulateExpertRandom(300, 1, 0.5, beta, arma::vec{0.0, 0.0},
                                                         arma::vec{0.4, 0.6}, 9);
  const arma::mat ones(d.y.n_rows, 1, arma::fill::ones);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 1, 2);
  MixedOptions options = ExpertOptions();
  options.fixVarianceAtZero = true;
  options.fit.em.tolerance = 1e-14;
  options.fit.em.maxIterations = 5000;
  SilentObserver observer;
  const MixedFit fit = FitMixed(prototype, Data(d.y, d.x, ones, &d.group), d.ones, options, observer);
  const FitResult plain = Fit(prototype, Data(d.y, d.x, ones), options.fit, observer);
  EXPECT_NEAR(fit.stats.logLikelihood, plain.stats.logLikelihood, 1e-8 * std::abs(plain.stats.logLikelihood));
  EXPECT_EQ(fit.stats.nParameters, plain.stats.nParameters);
}

TEST(MixedExpert, RandomSlopesRunMonotone) {
  const arma::mat beta = {{-3.0, 3.0}, {2.0, -1.0}};
  const test::GroupedData d = test::SimulateExpertRandom(60, 6, 0.5, beta, arma::vec{0.7, 0.7},
                                                         arma::vec{0.5, 0.5}, 23);
  const arma::mat ones(d.y.n_rows, 1, arma::fill::ones);
  MixedOptions options = ExpertOptions();
  options.fit.starts = 2;
  options.commonVariance = true;
  SilentObserver observer;
  const MixedFit fit = FitMixed(Model::Make("gaussian", "softmax", 2, 1, 2), Data(d.y, d.x, ones, &d.group), d.x,
                                options, observer);
  EXPECT_EQ(fit.varianceComponents[0].n_rows, 2u);
  EXPECT_EQ(fit.ranef.n_cols, 2u);
  EXPECT_NEAR(fit.model.expert(0).Blocks()[1].value(0, 0), fit.model.expert(1).Blocks()[1].value(0, 0), 1e-12);
  test::ExpectMonotoneWithinPhases(fit.stats, {});
}

}  // namespace
}  // namespace moest
