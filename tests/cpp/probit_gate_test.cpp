// Probit gate: binary closed form (K = 2) and independent-error multinomial probit by quadrature (K > 2).
#include <gtest/gtest.h>

#include <cmath>

#include "gate_test_support.hpp"

namespace moest {
namespace {

using test::GateDesign;
using test::GradientError;
using test::RandomWeights;

TEST(ProbitGate, BinaryWeightsAreTheNormalCdfOfTheScaledDifference) {
  Rng rng(31);
  const arma::mat x = GateDesign(20, rng);
  ProbitGate gate(3, 2);
  gate.SetBlocks({{"coefficients", arma::mat{{0.0, 0.5}, {0.0, -1.0}, {0.0, 2.0}}}});
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  for (arma::uword i = 0; i < 20; ++i) {
    const double d = (0.5 - x(i, 1) + 2.0 * x(i, 2)) / std::sqrt(2.0);
    EXPECT_NEAR(std::exp(logG(i, 1)), 0.5 * std::erfc(-d / std::sqrt(2.0)), 1e-14);
  }
}

TEST(ProbitGate, QuadratureMatchesMonteCarloAndSumsToOne) {
  // 4 components; 400000 draws of the latent utilities give each weight to about 1e-3 (4 SE < 3e-3).
  Rng rng(32);
  ProbitGate gate(3, 4);
  const arma::mat gamma = {{0.0, 0.3, -0.4, 0.8}, {0.0, 1.0, -0.5, 0.2}, {0.0, -0.7, 0.9, 0.4}};
  gate.SetBlocks({{"coefficients", gamma}});
  const arma::mat x = GateDesign(3, rng);
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  const arma::mat g = arma::exp(logG);
  EXPECT_LT(arma::abs(arma::sum(g, 1) - 1.0).max(), 1e-14);
  // Before renormalisation, the quadrature already sums to 1 closely: compare 20 nodes with 60.
  ProbitGate fine(3, 4, 60);
  fine.SetBlocks({{"coefficients", gamma}});
  arma::mat fineLogG;
  fine.LogWeights(Data(x, x, x), fineLogG);
  EXPECT_LT(arma::abs(arma::exp(fineLogG) - g).max(), 1e-6);
  const int draws = 400000;
  for (arma::uword i = 0; i < 3; ++i) {
    const arma::rowvec eta = x.row(i) * gamma;
    arma::rowvec counts(4, arma::fill::zeros);
    for (int d = 0; d < draws; ++d) {
      arma::uword best = 0;
      double top = -arma::datum::inf;
      for (arma::uword k = 0; k < 4; ++k) {
        const double u = eta[k] + rng.Normal();
        if (u > top) {
          top = u;
          best = k;
        }
      }
      counts[best] += 1.0;
    }
    const arma::rowvec estimate = counts / draws;
    for (arma::uword k = 0; k < 4; ++k) {
      const double se = std::sqrt(g(i, k) * (1.0 - g(i, k)) / draws);
      EXPECT_NEAR(estimate[k], g(i, k), 4.0 * se + 1e-12) << "row " << i << " component " << k;
    }
  }
}

TEST(ProbitGate, GradientsMatchFiniteDifferencesAtRandomParameters) {
  Rng rng(33);
  const arma::mat x = GateDesign(100, rng);
  const Data data(x, x, x);
  for (arma::uword K : {2u, 3u, 4u}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      ProbitGate gate(3, K);
      arma::vec theta(gate.NumParameters());
      for (auto& v : theta) v = rng.Normal();
      gate.Unpack(theta);
      EXPECT_LT(GradientError(gate, data, RandomWeights(100, K, rng)), 1e-6) << "K = " << K;
    }
  }
}

TEST(ProbitGate, FarTailsStayFinite) {
  const arma::mat x = {{1.0, 40.0}, {1.0, -40.0}};
  ProbitGate gate(2, 3);
  gate.SetBlocks({{"coefficients", arma::mat{{0.0, 0.0, 0.0}, {0.0, 1.0, -1.0}}}});
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  EXPECT_TRUE(logG.is_finite());
  arma::vec g;
  gate.GradLogWeights(Data(x, x, x), arma::ones(2, 3), g);
  EXPECT_TRUE(g.is_finite());
}

TEST(ProbitGate, OptionsSpecAndErrors) {
  EXPECT_EQ(MakeGate("probit", 2, 3)->Spec().ToString(), "probit");
  EXPECT_EQ(MakeGate("probit(nodes = 30)", 2, 3)->Spec().ToString(), "probit(nodes = 30)");
  EXPECT_EQ(MakeGate("probit", 2, 3)->NumParameters(), 4u);
  EXPECT_THROW(MakeGate("probit(nodes = 1)", 2, 3), InputError);
  EXPECT_THROW(MakeGate("probit(rho = 0.5)", 2, 3), InputError);
}

TEST(ProbitGate, BinaryRecoversKnownParametersFromSimulatedData) {
  // n = 6000, EM from the true partition: gamma within 4 complete-data standard errors; the fitted
  // log-likelihood is at least the truth's.
  const Model truth = test::MakeGatedModel("probit", {{"coefficients", arma::mat{{0.0, 0.3}, {0.0, 1.5}}}},
                                           {{{-3.0, 1.0, 0.5}}, {{3.0, -1.0, 0.5}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 6000, 35, -2.0, 2.0);
  const test::Recovery recovery = test::FitFromTruth(truth, sim);
  EXPECT_EQ(recovery.fit.stats.status, FitStatus::Converged);
  EXPECT_GE(recovery.fit.stats.logLikelihood, recovery.truthLogLikelihood - 1e-6);
  const arma::vec error = arma::abs(recovery.fit.model.gate().Pack() - truth.gate().Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * recovery.standardErrors)) << error.t() << recovery.standardErrors.t();
}

TEST(ProbitGate, MultinomialRecoversKnownParametersFromLabels) {
  // K = 3, n = 5000 labels drawn from the true gate: the M-step (the MLE given the labels) is within
  // 4 standard errors of the truth and at least as good as the truth on the objective.
  Rng rng(35);
  arma::mat x = GateDesign(5000, rng);
  x.shed_col(2);
  const Data data(x, x, x);
  ProbitGate truth(2, 3);
  truth.SetBlocks({{"coefficients", arma::mat{{0.0, 0.5, -0.3}, {0.0, 1.0, -1.2}}}});
  const arma::mat labels = test::OneHot(test::DrawLabels(truth, x, rng), 3);
  ProbitGate fitted(2, 3);
  fitted.FitResponsibilities(data, labels);
  EXPECT_GE(test::GateObjectiveValue(fitted, data, labels), test::GateObjectiveValue(truth, data, labels) - 1e-8);
  const arma::vec se = test::GateStandardErrors(truth, data, labels);
  const arma::vec error = arma::abs(fitted.Pack() - truth.Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * se)) << error.t() << se.t();
}

TEST(ProbitGate, MultinomialFullEmRecoversAThreeExpertModel) {
  // K = 3 with Gaussian experts, n = 3000, EM from the true partition (gate by quadrature in every
  // M-step): the gate is recovered within 4 complete-data standard errors (the experts are far
  // apart, so few rows are ambiguous), and the fitted log-likelihood is at least the truth's.
  const Model truth = test::MakeGatedModel("probit", {{"coefficients", arma::mat{{0.0, 0.5, -0.3}, {0.0, 1.0, -1.2}}}},
                                           {{{-4.0, 1.0, 0.5}}, {{0.0, -1.0, 0.5}}, {{4.0, 0.5, 0.5}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 3000, 36, -2.0, 2.0);
  const test::Recovery recovery = test::FitFromTruth(truth, sim);
  EXPECT_EQ(recovery.fit.stats.status, FitStatus::Converged);
  EXPECT_GE(recovery.fit.stats.logLikelihood, recovery.truthLogLikelihood - 1e-6);
  const arma::vec error = arma::abs(recovery.fit.model.gate().Pack() - truth.gate().Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * recovery.standardErrors)) << error.t() << recovery.standardErrors.t();
}

}  // namespace
}  // namespace moest
