// Standard errors of mixed-effects fits: the marginal log-likelihood's finite-difference Hessian.
#include <gtest/gtest.h>

#include <cmath>

#include "mixed_support.hpp"
#include "moest/mixed/standard_errors.hpp"

namespace moest {
namespace {

// Relative agreement of two standard-error block lists (NaN entries must match).
void ExpectSameErrors(const ParameterBlocks& a, const ParameterBlocks& b, arma::uword rows, double tolerance) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (arma::uword c = 0; c < b[i].value.n_cols; ++c) {
      for (arma::uword r = 0; r < std::min(rows, b[i].value.n_rows); ++r) {
        const double x = a[i].value(r, c), y = b[i].value(r, c);
        if (std::isnan(y)) {
          EXPECT_TRUE(std::isnan(x)) << a[i].name << "[" << r << "," << c << "]";
          continue;
        }
        EXPECT_NEAR(x, y, tolerance * y) << a[i].name << "[" << r << "," << c << "]";
      }
    }
  }
}

TEST(MixedStandardErrors, FiniteDifferenceHessianOfAQuadratic) {
  // f = -(2 a^2 + a b + 3 b^2) + c: Hessian [[-4, -1], [-1, -6]] in (a, b), c held fixed.
  auto f = [](const arma::vec& t) { return -(2.0 * t(0) * t(0) + t(0) * t(1) + 3.0 * t(1) * t(1)) + t(2); };
  const arma::mat h = FiniteDifferenceHessian(f, arma::vec({0.3, -1.2, 5.0}), arma::uvec({0, 1}), 1e-4);
  const arma::mat truth = {{-4.0, -1.0}, {-1.0, -6.0}};
  EXPECT_LT(arma::abs(h - truth).max(), 1e-6);
}

TEST(MixedStandardErrors, FlatDirectionGivesTheNonPositiveDefiniteDiagnostic) {
  const Model model = Model::Make("gaussian", "softmax", 1, 1, 1);  // natural: gate (K = 1), beta, sigma
  MarginalLikelihood problem;
  problem.theta = {0.5, 0.0};
  problem.moving = {0, 1};
  problem.logLikelihood = [](const arma::vec& t) { return -10.0 * t(0) * t(0); };  // flat in t(1)
  problem.natural = [](const arma::vec& t) { return arma::vec({0.0, t(0), std::exp(t(1))}); };
  arma::vec varianceSe;
  const StandardErrors se = MarginalStandardErrors(problem, model, varianceSe);
  EXPECT_TRUE(se.computed);
  EXPECT_FALSE(se.positiveDefinite);
  EXPECT_NE(se.message.find("not positive definite"), std::string::npos) << se.message;
  EXPECT_TRUE(se.vcov.is_empty());
}

TEST(MixedStandardErrors, GateWithZeroVarianceEqualsPlainObservedErrors) {
  const test::GroupedData d = test::SimulateGateRandom(60, 10, 0.3, 1.5, 1.0, 5);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  MixedOptions options;
  options.fit.starts = 2;
  options.fit.seed = 3;
  options.fit.em.tolerance = 1e-13;
  options.fixVarianceAtZero = true;
  SilentObserver observer;
  const MixedFit fit = FitMixed(prototype, d.View(), d.ones, options, observer);
  const FitResult plain = Fit(prototype, Data(d.y, d.x, d.x), options.fit, observer);
  ASSERT_NEAR(fit.stats.logLikelihood, plain.stats.logLikelihood, 1e-8 * std::abs(plain.stats.logLikelihood));
  const StandardErrors& se = fit.stats.standardErrors;
  ASSERT_TRUE(se.positiveDefinite) << se.message;
  ASSERT_TRUE(plain.stats.standardErrors.positiveDefinite);
  // The components may come out in either order: match them by the expert intercepts.
  const bool swapped = std::abs(fit.model.expert(0).Blocks()[0].value(0) -
                                plain.model.expert(0).Blocks()[0].value(0)) > 0.5;
  ASSERT_FALSE(swapped) << "both fits start from the same plain fit";
  // Second differences of values against first differences of the analytic gradient: 1e-4 relative.
  ExpectSameErrors(se.gate, plain.stats.standardErrors.gate, 2, 1e-4);
  for (arma::uword k = 0; k < 2; ++k) ExpectSameErrors(se.experts[k], plain.stats.standardErrors.experts[k], 9, 1e-4);
  // The loadings are fixed at 0: no standard error, and vcov covers the plain model's parameters.
  EXPECT_TRUE(std::isnan(se.gate[0].value(2, 1)));
  EXPECT_EQ(se.vcov.n_rows, plain.stats.standardErrors.vcov.n_rows);
}

TEST(MixedStandardErrors, GateVarianceComponentByTheDeltaMethod) {
  const test::GroupedData d = test::SimulateGateRandom(100, 15, 0.3, 1.5, 1.2, 11);
  MixedOptions options;
  options.fit.starts = 2;
  options.fit.seed = 3;
  options.fit.em.tolerance = 1e-10;
  SilentObserver observer;
  const MixedFit fit = FitMixed(Model::Make("gaussian", "softmax", 2, 2, 2), d.View(), d.ones, options, observer);
  const StandardErrors& se = fit.stats.standardErrors;
  ASSERT_TRUE(se.positiveDefinite) << se.message;
  const arma::mat w = fit.model.gate().Blocks()[0].value;
  const double loading = w(2, 1), loadingSe = se.gate[0].value(2, 1);
  // SE(beta) about 0.1 for 100 groups (see the recovery test's budget): between 0.04 and 0.3.
  EXPECT_GT(loadingSe, 0.04);
  EXPECT_LT(loadingSe, 0.3);
  ASSERT_EQ(fit.varianceSe.size(), 1u);
  EXPECT_NEAR(fit.varianceSe[0](1, 1), 2.0 * std::abs(loading) * loadingSe, 1e-4 * loadingSe);
  EXPECT_TRUE(std::isnan(fit.varianceSe[0](0, 0)));
  // vcov: 3 gate coefficients of component 2 and 3 parameters per expert.
  EXPECT_EQ(se.vcov.n_rows, 9u);
  EXPECT_EQ(se.labels.size(), 9u);
}

TEST(MixedStandardErrors, ExpertWithZeroVarianceAndSingletonGroupsEqualsPlainObservedErrors) {
  // Singleton groups with R = 0: the expert placement is the plain MoE with a constant gate.
  test::GroupedData d = test::SimulateExpertRandom(300, 1, 0.4, {{-1.0, 2.0}, {1.0, -1.0}}, {0.0, 0.0}, {0.5, 0.4}, 2);
  const arma::mat ones = d.ones;
  MixedOptions options;
  options.placement = RandomPlacement::Expert;
  options.fixVarianceAtZero = true;
  options.fit.starts = 1;
  options.fit.seed = 3;
  options.fit.em.tolerance = 1e-13;
  options.fit.em.maxIterations = 5000;
  SilentObserver observer;
  const Model prototype = Model::Make("gaussian", "softmax", 2, 1, 2);
  const MixedFit fit = FitMixed(prototype, Data(d.y, d.x, ones, &d.group), ones, options, observer);
  const FitResult plain = Fit(prototype, Data(d.y, d.x, ones), options.fit, observer);
  ASSERT_NEAR(fit.stats.logLikelihood, plain.stats.logLikelihood, 1e-7 * std::abs(plain.stats.logLikelihood));
  const StandardErrors& se = fit.stats.standardErrors;
  ASSERT_TRUE(se.positiveDefinite) << se.message;
  const bool swapped = std::abs(fit.model.expert(0).Blocks()[0].value(0) -
                                plain.model.expert(0).Blocks()[0].value(0)) > 0.5;
  for (arma::uword k = 0; k < 2; ++k) {
    ExpectSameErrors(se.experts[k], plain.stats.standardErrors.experts[swapped ? 1 - k : k], 9, 1e-3);
  }
  EXPECT_NEAR(se.gate[0].value(0, 1), plain.stats.standardErrors.gate[0].value(0, 1),
              1e-3 * plain.stats.standardErrors.gate[0].value(0, 1));
  EXPECT_TRUE(fit.varianceSe.empty() || std::isnan(fit.varianceSe[0](0, 0)));
}

TEST(MixedStandardErrors, ExpertSingleComponentIsTheLinearMixedModelGls) {
  // K = 1: a random-intercept linear model. At the ML estimate the fixed effects' block of the
  // inverse observed information is (X'V^-1X)^-1 up to the fixed/variance cross terms, which vanish
  // in expectation: with 80 groups they move the SEs by well under 2%.
  test::GroupedData d = test::SimulateExpertRandom(80, 6, 0.0, {{1.0, 1.0}, {2.0, -1.0}}, {0.8, 0.8}, {0.5, 0.5}, 9);
  MixedOptions options;
  options.placement = RandomPlacement::Expert;
  options.fit.starts = 1;
  options.fit.seed = 1;
  options.fit.em.tolerance = 1e-12;
  options.fit.em.maxIterations = 5000;
  SilentObserver observer;
  const arma::mat gateOnes = d.ones;
  const MixedFit fit = FitMixed(Model::Make("gaussian", "softmax", 2, 1, 1), Data(d.y, d.x, gateOnes, &d.group),
                                d.ones, options, observer);
  ASSERT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  const StandardErrors& se = fit.stats.standardErrors;
  ASSERT_TRUE(se.positiveDefinite) << se.message;
  const double tau2 = fit.varianceComponents[0](0, 0);
  const double sigma = fit.model.expert(0).Blocks()[1].value(0, 0);
  arma::mat xtvx(2, 2, arma::fill::zeros);
  for (arma::uword g = 0; g < 80; ++g) {
    const arma::uvec rows = arma::find(d.group == g);
    const arma::mat x = d.x.rows(rows);
    const arma::mat v = tau2 * arma::ones(rows.n_elem, rows.n_elem) + sigma * sigma * arma::eye(rows.n_elem, rows.n_elem);
    xtvx += x.t() * arma::solve(v, x);
  }
  const arma::vec gls = arma::sqrt(arma::diagvec(arma::inv_sympd(xtvx)));
  for (arma::uword j = 0; j < 2; ++j) EXPECT_NEAR(se.experts[0][0].value(j), gls(j), 0.02 * gls(j)) << j;
  ASSERT_EQ(fit.varianceSe.size(), 1u);
  // SE of tau^2 (80 groups of 6): about tau^2 sqrt(2 / 80) inflated by the within-group noise.
  EXPECT_GT(fit.varianceSe[0](0, 0), 0.1 * tau2);
  EXPECT_LT(fit.varianceSe[0](0, 0), 0.4 * tau2);
}

}  // namespace
}  // namespace moest
