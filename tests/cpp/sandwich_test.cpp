// Sandwich standard errors: the per-row scores, agreement with the observed information on a correct
// model, and the better coverage of a slope's spread on a misspecified one.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::SimulateLinear;

// The truth of standard_errors_test.cpp: gate (0.5, 2) against component 1, experts 1 + 2x (sd 0.4)
// and -1 - 1.5x (sd 0.5).
Model TwoExperts() {
  return test::MakeLinearModel({{0, 0}, {0.5, 2.0}}, {{{1.0, 2.0, 0.4}}, {{-1.0, -1.5, 0.5}}});
}

TEST(Sandwich, RowScoresSumToTheGradientAndMatchFiniteDifferences) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 200, 3);
  const Data data = sim.View();
  const arma::mat scores = RowScores(truth, data);
  arma::vec gradient;
  LogLikelihoodGradient(truth, data, gradient);
  ASSERT_EQ(scores.n_rows, 200u);
  ASSERT_EQ(scores.n_cols, gradient.n_elem);
  EXPECT_LT(arma::abs(arma::sum(scores, 0).t() - gradient).max(), 1e-8 * std::max(1.0, arma::abs(gradient).max()));
  // Each row's score is the gradient of that row's log-likelihood.
  Model probe = truth;
  for (arma::uword i : {0u, 57u, 199u}) {
    const arma::mat y = sim.y.row(i), x = sim.x.row(i);
    const Data row(y, x, x);
    const arma::vec numeric = test::NumericGradient(
        [&](const arma::vec& theta) {
          UnpackModel(probe, theta);
          return probe.LogLikelihood(row);
        },
        PackModel(truth));
    EXPECT_LT(arma::abs(numeric - scores.row(i).t()).max(), 1e-6) << "row " << i;
  }
}

TEST(Sandwich, AgreesWithTheObservedInformationOnACorrectModel) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 3000, 11);
  FitOptions options;
  options.starts = 1;
  options.initialPartition = sim.component;
  options.standardErrorType = StandardErrorType::Sandwich;
  SilentObserver silent;
  const FitResult fit = Fit(truth, sim.View(), options, silent);
  const StandardErrors& se = fit.stats.standardErrors;
  ASSERT_TRUE(se.positiveDefinite) << se.message;
  EXPECT_EQ(se.method, "sandwich");
  ASSERT_EQ(se.observedVcov.n_rows, se.vcov.n_rows);
  const arma::vec ratio = arma::sqrt(se.vcov.diag() / se.observedVcov.diag());
  std::cout << "sandwich / observed SE, correct model, n = 3000: " << ratio.t();
  for (arma::uword p = 0; p < ratio.n_elem; ++p) {
    EXPECT_GT(ratio[p], 0.85) << se.labels[p];
    EXPECT_LT(ratio[p], 1.15) << se.labels[p];
  }
  // Stored in the model file with both covariances.
  const ModelFile back = ModelFromJson(ModelToJson(test::LinearModelFile(fit)), "test");
  EXPECT_EQ(back.stats.standardErrors.method, "sandwich");
  EXPECT_LT(arma::abs(back.stats.standardErrors.observedVcov - se.observedVcov).max(), 1e-12);
  EXPECT_NE(SummaryText(back).find("sandwich"), std::string::npos);
}

// Within-component heteroscedasticity (noise sd proportional to 2|x|) that the Gaussian experts do
// not model: the observed information understates the spread of the slopes, the sandwich does not.
TEST(Sandwich, TracksTheSpreadOfASlopeUnderMisspecification) {
  const Model truth = TwoExperts();
  const int replicates = 50;
  const arma::uword n = 1000;
  arma::vec slope(replicates), sandwichSe(replicates), observedSe(replicates);
  FitOptions options;
  options.starts = 1;
  options.standardErrorType = StandardErrorType::Sandwich;
  SilentObserver silent;
  for (int r = 0; r < replicates; ++r) {
    test::SimulatedData sim = SimulateLinear(truth, n, 500 + r);
    // Rescale each row's residual from its component's line by 2|x|.
    for (arma::uword i = 0; i < n; ++i) {
      const arma::vec beta = truth.expert(sim.component[i]).Blocks()[0].value;
      const double line = beta[0] + beta[1] * sim.x(i, 1);
      sim.y(i, 0) = line + 2.0 * std::abs(sim.x(i, 1)) * (sim.y(i, 0) - line);
    }
    options.initialPartition = sim.component;
    const FitResult fit = Fit(truth, sim.View(), options, silent);
    const StandardErrors& se = fit.stats.standardErrors;
    ASSERT_TRUE(se.positiveDefinite) << se.message;
    // expert 1's slope: its position among the free labels.
    arma::uword at = 0;
    while (at < se.labels.size() && se.labels[at] != "expert 1.coefficients[2]") ++at;
    ASSERT_LT(at, se.labels.size());
    slope[r] = fit.model.expert(0).Blocks()[0].value(1, 0);
    sandwichSe[r] = std::sqrt(se.vcov(at, at));
    observedSe[r] = std::sqrt(se.observedVcov(at, at));
  }
  const double sd = arma::stddev(slope);
  const double sandwichRatio = arma::mean(sandwichSe) / sd, observedRatio = arma::mean(observedSe) / sd;
  std::cout << "misspecified, 50 replicates of n = 1000, expert 1 slope: empirical SD " << sd
            << ", mean sandwich SE / SD " << sandwichRatio << ", mean observed SE / SD " << observedRatio << "\n";
  EXPECT_LT(std::abs(std::log(sandwichRatio)), std::abs(std::log(observedRatio)));
  EXPECT_GT(sandwichRatio, 0.75);
  EXPECT_LT(sandwichRatio, 1.3);
}

TEST(Sandwich, BadNamesAreRefused) {
  EXPECT_NE(test::ErrorOf([] { StandardErrorTypeFromName("robust"); }).find("choose observed, sandwich or none"),
            std::string::npos);
  EXPECT_EQ(StandardErrorTypeFromName("sandwich"), StandardErrorType::Sandwich);
}

}  // namespace
}  // namespace moest
