#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "moest/model/row_blocks.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

FitResult FitEm(const Model& prototype, const Data& data, double tolerance, StoppingRule rule = StoppingRule::Relative) {
  FitOptions options;
  options.starts = 3;
  options.seed = 5;
  options.em.tolerance = tolerance;
  options.em.maxIterations = 20000;
  options.em.rule = rule;
  SilentObserver silent;
  return Fit(prototype, data, options, silent);
}

// Well separated and exactly fitted: EM is linear, and its empirical rate is DLR's eigenvalue.
TEST(Convergence, CompleteInformationOverRowBlocksIsTheSumOverRows) {
  // On more than 2 * kRowBlock rows the complete-data information is summed block by block. It is a
  // sum over rows, so it must equal the sum of the informations of the two halves (each small enough
  // to be computed whole).
  const Model truth = test::MakeLinearModel({{0, 0}, {0.5, 4.0}, {1, -1}},
                                            {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}, {{0, 0, 1}}});
  const arma::uword n = 2 * kRowBlock + 1234;
  const auto sim = test::SimulateLinear(truth, n, 8);
  const arma::uword half = n / 2;
  const arma::mat y1 = sim.y.rows(0, half - 1), x1 = sim.x.rows(0, half - 1);
  const arma::mat y2 = sim.y.rows(half, n - 1), x2 = sim.x.rows(half, n - 1);
  const arma::mat whole = CompleteInformation(truth, sim.View());
  const arma::mat halves = CompleteInformation(truth, Data(y1, x1, x1)) + CompleteInformation(truth, Data(y2, x2, x2));
  EXPECT_GT(arma::abs(whole).max(), 100.0);
  EXPECT_LT(arma::abs(whole - halves).max(), 1e-6 * arma::abs(whole).max());
}

TEST(Convergence, EmpiricalRateMatchesTheMissingInformationEigenvalue) {
  const Model truth = MakeLinearModel({{0, 0}, {0.3, 1.5}}, {{{1.0, 1.0, 0.5}}, {{-0.5, -1.0, 0.6}}});
  const test::SimulatedData sim = SimulateLinear(truth, 2000, 12);
  const FitResult fit = FitEm(truth, sim.View(), 1e-13);
  const ConvergenceDiagnostics& d = fit.stats.diagnostics;
  ASSERT_TRUE(d.computed);
  std::cout << "rate from l: " << d.logLikelihoodRate << ", from theta: " << d.parameterRate
            << ", missing information: " << d.missingInformationRate << "\n";
  EXPECT_GT(d.missingInformationRate, 0.0);
  EXPECT_LT(d.missingInformationRate, 1.0);
  EXPECT_NEAR(d.logLikelihoodRate, d.missingInformationRate, 0.05);
  EXPECT_NEAR(d.parameterRate, d.missingInformationRate, 0.05);
  EXPECT_FALSE(d.rateNearOne) << d.note;
  EXPECT_EQ(d.decreases, 0);
  EXPECT_NEAR(d.aitkenLogLikelihood, fit.stats.logLikelihood, 1e-8 * std::abs(fit.stats.logLikelihood));
}

// True K = 2 fitted with K = 3: the singular regime, where EM's rate approaches 1.
TEST(Convergence, OverFittedModelIsFlaggedNearOne) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{1.0, 1.0, 0.5}}, {{-1.0, -1.0, 0.5}}});
  const test::SimulatedData sim = SimulateLinear(truth, 1000, 3);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 3);
  const FitResult fit = FitEm(prototype, sim.View(), 1e-8);
  const ConvergenceDiagnostics& d = fit.stats.diagnostics;
  std::cout << "over-fitted: rate from l: " << d.logLikelihoodRate << ", from theta: " << d.parameterRate
            << ", missing information: " << d.missingInformationRate << "\n";
  EXPECT_TRUE(d.rateNearOne);
  EXPECT_NE(d.note.find("over-fitted"), std::string::npos) << d.note;
}

TEST(Convergence, AitkenRuleStopsNearTheSameOptimum) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 2.0}}, {{{1.0, 2.0, 0.4}}, {{-1.0, -1.5, 0.5}}});
  const test::SimulatedData sim = SimulateLinear(truth, 800, 7);
  const FitResult relative = FitEm(truth, sim.View(), 1e-12);
  const FitResult aitken = FitEm(truth, sim.View(), 1e-10, StoppingRule::Aitken);
  EXPECT_EQ(aitken.stats.status, FitStatus::Converged) << aitken.stats.message;
  EXPECT_NE(aitken.stats.message.find("Aitken"), std::string::npos);
  EXPECT_NEAR(aitken.stats.logLikelihood, relative.stats.logLikelihood, 1e-8 * std::abs(relative.stats.logLikelihood));
}

TEST(Convergence, TraceRatesOfAGeometricSequence) {
  Trace trace;
  for (int t = 0; t < 30; ++t) {
    TraceRow row;
    row.iteration = t + 1;
    row.logLikelihood = -100.0 - std::pow(0.36, t);  // l_t - l_inf shrinks as rate^2
    row.parameterStep = t == 0 ? -1.0 : std::pow(0.6, t);
    trace.push_back(row);
  }
  ConvergenceDiagnostics d;
  TraceRates(trace, d);
  EXPECT_NEAR(d.logLikelihoodRate, 0.6, 1e-6);
  EXPECT_NEAR(d.parameterRate, 0.6, 1e-6);
  EXPECT_NEAR(d.aitkenLogLikelihood, -100.0, 1e-9);
}

}  // namespace
}  // namespace moest

namespace moest {
namespace {

// A third component with (numerically) no weight: the complete-data information is singular, which
// must read as a flagged rate of 1 with a plain note, not as NaN.
TEST(Convergence, SingularCompleteInformationIsFlaggedNotNaN) {
  const Model truth = test::MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{1.0, 1.0, 0.5}}, {{-1.0, -1.0, 0.5}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 400, 8);
  const Model empty = test::MakeLinearModel({{0, 0}, {0.0, 2.0}, {-800.0, 0.0}},
                                            {{{1.0, 1.0, 0.5}}, {{-1.0, -1.0, 0.5}}, {{0.0, 0.0, 1.0}}});
  EXPECT_EQ(MissingInformationRate(empty, sim.View()), 1.0);
  const ConvergenceDiagnostics d = Diagnose(empty, sim.View(), Trace());
  EXPECT_TRUE(d.rateNearOne);
  EXPECT_EQ(d.missingInformationRate, 1.0);
  EXPECT_NE(d.note.find("complete-data information is singular"), std::string::npos) << d.note;
  EXPECT_NE(d.note.find("over-fitted"), std::string::npos) << d.note;
}

}  // namespace
}  // namespace moest
