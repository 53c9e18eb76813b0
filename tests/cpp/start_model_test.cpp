// Starts from given parameters, one-step mode and short-EM starts.
#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::ErrorOf;
using test::MakeLinearModel;
using test::SimulateLinear;

const Model kTruth = MakeLinearModel({{0, 0}, {0.5, 3.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});

Model Perturbed() {
  return MakeLinearModel({{0, 0}, {0.2, 2.0}}, {{{0.8, 1.5, 0.5}}, {{-0.5, -1.0, 0.7}}});
}

TEST(StartModel, OneStepIsExactlyOneEStepAndOneMStep) {
  const auto sim = SimulateLinear(kTruth, 600, 41);
  FitOptions options;
  options.startModel = Perturbed();
  options.oneStep = true;
  options.starts = 7;  // ignored: only the given start runs
  SilentObserver silent;
  const FitResult fit = Fit(kTruth, sim.View(), options, silent);

  Model expected = Perturbed();
  for (arma::uword k = 0; k < 2; ++k) expected.expert(k).SetVarianceFloor(AbsoluteVarianceFloor(sim.View(), options.em));
  arma::mat r;
  const double before = expected.LogLikelihood(sim.View(), &r);
  MStep(expected, sim.View(), r);
  EXPECT_TRUE(arma::all(PackModel(fit.model) == PackModel(expected)));
  EXPECT_EQ(fit.stats.iterations, 1);
  ASSERT_EQ(fit.stats.trace.size(), 1u);
  EXPECT_EQ(fit.stats.startLogLikelihoods.size(), 1u);
  EXPECT_DOUBLE_EQ(fit.stats.logLikelihood, expected.LogLikelihood(sim.View()));
  EXPECT_GT(fit.stats.logLikelihood, before);  // one EM step from a poor start improves it
  EXPECT_NE(fit.stats.message.find("one-step"), std::string::npos);
  EXPECT_FALSE(fit.stats.standardErrors.computed);  // not an optimum
}

TEST(StartModel, EmFromGivenParametersReachesTheOptimum) {
  const auto sim = SimulateLinear(kTruth, 1000, 42);
  SilentObserver silent;
  FitOptions options;
  options.seed = 5;
  const FitResult usual = Fit(kTruth, sim.View(), options, silent);
  options.startModel = Perturbed();
  options.starts = 1;
  const FitResult started = Fit(kTruth, sim.View(), options, silent);
  EXPECT_EQ(started.stats.status, FitStatus::Converged);
  EXPECT_NEAR(started.stats.logLikelihood, usual.stats.logLikelihood, 1e-6 * std::abs(usual.stats.logLikelihood));
  // The given start keeps its labels: expert 1 stays the one with the positive slope.
  EXPECT_GT(started.model.expert(0).Blocks()[0].value(1), 0.0);
  options.solver = SolverKind::Mle;
  const FitResult direct = Fit(kTruth, sim.View(), options, silent);
  EXPECT_NEAR(direct.stats.logLikelihood, usual.stats.logLikelihood, 1e-6 * std::abs(usual.stats.logLikelihood));
}

TEST(StartModel, MismatchedStartsAreRefusedByName) {
  const auto sim = SimulateLinear(kTruth, 300, 43);
  SilentObserver silent;
  auto errorFor = [&](const Model& start, bool oneStep = false) {
    FitOptions options;
    options.startModel = start;
    options.oneStep = oneStep;
    return ErrorOf([&] { Fit(kTruth, sim.View(), options, silent); });
  };
  EXPECT_NE(errorFor(Model::Make("gaussian", "softmax", 2, 2, 3)).find("K = 3"), std::string::npos);
  EXPECT_NE(errorFor(Model::Make("gaussian", "laplace", 2, 2, 2)).find("gate 'laplace'"), std::string::npos);
  EXPECT_NE(errorFor(Model::Make("poisson", "softmax", 2, 2, 2)).find("expert 1 is 'poisson'"), std::string::npos);
  const std::string wide = errorFor(Model::Make("gaussian", "softmax", 3, 2, 2));
  EXPECT_NE(wide.find("'coefficients' is 3 x 1"), std::string::npos) << wide;
  EXPECT_NE(errorFor(Model::Make("gaussian", "softmax", 2, 1, 2)).find("gate block"), std::string::npos);
  FitOptions noStart;
  noStart.oneStep = true;
  EXPECT_NE(ErrorOf([&] { Fit(kTruth, sim.View(), noStart, silent); }).find("one-step mode needs start"),
            std::string::npos);
}

TEST(ShortEm, IsReproducibleAndReachesTheOptimum) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}});
  const auto sim = SimulateLinear(truth, 1000, 44);
  SilentObserver silent;
  FitOptions options;
  options.seed = 9;
  options.starts = 10;
  const FitResult usual = Fit(truth, sim.View(), options, silent);
  options.startMethod = StartMethod::ShortEm;
  options.starts = 3;
  const FitResult a = Fit(truth, sim.View(), options, silent);
  options.threads = 2;
  const FitResult b = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(a.stats.logLikelihood, b.stats.logLikelihood);
  EXPECT_TRUE(arma::all(PackModel(a.model) == PackModel(b.model)));
  EXPECT_GE(a.stats.logLikelihood, usual.stats.logLikelihood - 1e-6 * std::abs(usual.stats.logLikelihood));
  for (const TraceRow& row : a.stats.trace) EXPECT_FALSE(row.decrease);
  options.shortEm.runs = 0;
  EXPECT_NE(ErrorOf([&] { Fit(truth, sim.View(), options, silent); }).find("short-EM"), std::string::npos);
}

}  // namespace
}  // namespace moest
