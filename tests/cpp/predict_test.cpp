#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

const Model& Truth() {
  static const Model truth =
      test::MakeLinearModel({{0, 0}, {0.5, 4.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});
  return truth;
}

TEST(Predict, MeanIsTheGateWeightedExpertMean) {
  const auto sim = test::SimulateLinear(Truth(), 50, 1);
  const Data data = sim.View();
  const arma::vec mean = PredictMean(Truth(), data);
  const arma::mat g = PredictGate(Truth(), data);
  const double x = sim.x(3, 1);
  EXPECT_NEAR(mean[3], g(3, 0) * (1.0 + 2.0 * x) + g(3, 1) * (-1.0 - 1.5 * x), 1e-12);
  EXPECT_NEAR(g(3, 1), 1.0 / (1.0 + std::exp(-(0.5 + 4.0 * x))), 1e-12);
}

TEST(Predict, DensityAndPosteriorAgreeWithBayesRule) {
  const auto sim = test::SimulateLinear(Truth(), 50, 2);
  const Data data = sim.View();
  const arma::vec density = PredictDensity(Truth(), data);
  const arma::mat posterior = PredictPosterior(Truth(), data);
  const arma::mat g = PredictGate(Truth(), data);
  const double y = sim.y(5, 0), x = sim.x(5, 1);
  const double f1 = std::exp(-0.5 * std::pow((y - 1.0 - 2.0 * x) / 0.3, 2)) / (0.3 * std::sqrt(2 * M_PI));
  const double f2 = std::exp(-0.5 * std::pow((y + 1.0 + 1.5 * x) / 0.5, 2)) / (0.5 * std::sqrt(2 * M_PI));
  const double p = g(5, 0) * f1 + g(5, 1) * f2;
  EXPECT_NEAR(density[5], p, 1e-12 * p);
  EXPECT_NEAR(posterior(5, 0), g(5, 0) * f1 / p, 1e-12);
  EXPECT_NEAR(arma::accu(arma::log(density)), Truth().LogLikelihood(data), 1e-9);
}

TEST(Simulate, ComponentFrequenciesFollowTheGate) {
  const auto sim = test::SimulateLinear(Truth(), 20000, 3);
  const arma::mat g = PredictGate(Truth(), sim.View());
  const double expected = arma::mean(g.col(1));
  const double observed = arma::mean(arma::conv_to<arma::vec>::from(sim.component == 1));
  // Binomial standard error sqrt(p (1 - p) / n) < 0.0036.
  EXPECT_NEAR(observed, expected, 5 * 0.0036);
  // Residuals of component-1 rows have sd 0.3 (se of an sd: 0.3 / sqrt(2 m)).
  const arma::uvec rows = arma::find(sim.component == 0);
  const arma::vec resid = sim.y.rows(rows) - (1.0 + 2.0 * sim.x.submat(rows, arma::uvec{1}));
  EXPECT_NEAR(arma::stddev(resid), 0.3, 5 * 0.3 / std::sqrt(2.0 * rows.n_elem));
}

TEST(Simulate, SameSeedSameDraws) {
  const auto a = test::SimulateLinear(Truth(), 100, 4);
  const auto b = test::SimulateLinear(Truth(), 100, 4);
  EXPECT_TRUE(arma::all(arma::vectorise(a.y == b.y)));
}

TEST(InformationCriteria, MatchHandComputedValues) {
  const arma::mat r = {{1.0, 0.0}, {0.5, 0.5}};
  const InformationCriteria ic = ComputeCriteria(-10.0, 3, 2, r);
  EXPECT_DOUBLE_EQ(ic.aic, 26.0);
  EXPECT_DOUBLE_EQ(ic.bic, 20.0 + 3.0 * std::log(2.0));
  EXPECT_DOUBLE_EQ(ic.icl, ic.bic + 2.0 * std::log(2.0));  // entropy of (0.5, 0.5) is log 2
}

TEST(Status, NamesRoundTrip) {
  for (FitStatus s : {FitStatus::Converged, FitStatus::MaxIterations, FitStatus::Degenerate, FitStatus::NonFinite,
                      FitStatus::Interrupted}) {
    EXPECT_EQ(StatusFromName(StatusName(s)), s);
  }
  EXPECT_THROW(StatusFromName("fine"), InputError);
}

}  // namespace
}  // namespace moest
