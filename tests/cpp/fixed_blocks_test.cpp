// Fixed parameters: held blocks keep their values exactly, the rest is still fitted monotonically.
#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::ErrorOf;
using test::MakeLinearModel;
using test::SimulateLinear;

const Model kTruth = MakeLinearModel({{0, 0}, {0.5, 3.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});

// A start whose expert 2 variance and gate are at values the fit must keep.
Model Start() { return MakeLinearModel({{0, 0}, {0.4, 2.5}}, {{{0.7, 1.6, 0.6}}, {{-0.6, -1.0, 0.45}}}); }

FitResult FitFixed(const std::vector<std::string>& fixed, SolverKind solver, Observer& observer, int starts = 1) {
  static const auto sim = SimulateLinear(kTruth, 1500, 51);
  FitOptions options;
  options.startModel = Start();
  options.fixed = fixed;
  options.solver = solver;
  options.starts = starts;
  options.seed = 3;
  return Fit(kTruth, sim.View(), options, observer);
}

TEST(FixedBlocks, HeldBlocksKeepTheirValuesExactlyAndTheRestIsFitted) {
  for (SolverKind solver : {SolverKind::Em, SolverKind::Mle, SolverKind::EmMle}) {
    test::RecordingObserver recorder;
    const FitResult fit = FitFixed({"gate", "expert2.sigma"}, solver, recorder, 2);
    const Model start = Start();
    EXPECT_TRUE(arma::all(arma::vectorise(fit.model.gate().Blocks()[0].value == start.gate().Blocks()[0].value)));
    EXPECT_EQ(fit.model.expert(1).Blocks()[1].value(0, 0), 0.45);
    // The free parameters moved towards the truth (expert 1 is the positive-slope one in this start).
    EXPECT_NEAR(fit.model.expert(0).Blocks()[0].value(1), 2.0, 0.15) << SolverName(solver);
    EXPECT_NEAR(fit.model.expert(0).Blocks()[1].value(0, 0), 0.3, 0.05) << SolverName(solver);
    EXPECT_NEAR(fit.model.expert(1).Blocks()[0].value(1), -1.5, 0.2) << SolverName(solver);
    for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease) << SolverName(solver);
    EXPECT_GT(fit.stats.logLikelihood, recorder.rows.front().logLikelihood);
    EXPECT_EQ(fit.stats.nParameters, 5u);  // 8 less the gate's 2 and one sigma
    // Fixed entries have no standard error; the free ones have.
    EXPECT_TRUE(std::isnan(fit.stats.standardErrors.experts[1][1].value(0, 0)));
    EXPECT_TRUE(std::isnan(fit.stats.standardErrors.gate[0].value(1, 1)));
    EXPECT_GT(fit.stats.standardErrors.experts[1][0].value(1), 0.0);
    EXPECT_EQ(fit.stats.standardErrors.labels.size(), 5u);
  }
}

TEST(FixedBlocks, FixedCoefficientsWithAFreeVarianceStayMonotone) {
  test::RecordingObserver recorder;
  const FitResult fit = FitFixed({"expert1.coefficients"}, SolverKind::Em, recorder);
  EXPECT_TRUE(arma::all(arma::vectorise(fit.model.expert(0).Blocks()[0].value == Start().expert(0).Blocks()[0].value)));
  for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease);
  // sigma of expert 1 absorbs the misfit of its held line: larger than the truth's 0.3.
  EXPECT_GT(fit.model.expert(0).Blocks()[1].value(0, 0), 0.3);
}

TEST(FixedBlocks, AWhollyFixedExpertIsNotMoved) {
  SilentObserver silent;
  const FitResult fit = FitFixed({"expert 2"}, SolverKind::Em, silent);
  EXPECT_TRUE(arma::all(fit.model.expert(1).Pack() == Start().expert(1).Pack()));
  EXPECT_EQ(fit.stats.nParameters, 5u);
}

TEST(FixedBlocks, ImpossibleSpecificationsAreRefusedByName) {
  SilentObserver silent;
  auto errorOf = [&](const std::vector<std::string>& fixed) {
    return ErrorOf([&] { FitFixed(fixed, SolverKind::Em, silent); });
  };
  EXPECT_NE(errorOf({"expert3"}).find("experts 1 to 2"), std::string::npos);
  EXPECT_NE(errorOf({"expert0.sigma"}).find("experts 1 to 2"), std::string::npos);
  EXPECT_NE(errorOf({"expert1.nu"}).find("no block 'nu' (its blocks: coefficients, sigma)"), std::string::npos);
  EXPECT_NE(errorOf({"weights"}).find("unknown parameter block"), std::string::npos);
  EXPECT_NE(errorOf({"expertx"}).find("no expert number"), std::string::npos);
  EXPECT_NE(errorOf({"gate", "expert1", "expert2.coefficients", "expert2.sigma"}).find("every parameter is fixed"),
            std::string::npos);
  const auto sim = SimulateLinear(kTruth, 200, 52);
  FitOptions noStart;
  noStart.fixed = {"gate"};
  EXPECT_NE(ErrorOf([&] { Fit(kTruth, sim.View(), noStart, silent); }).find("needs start parameters"),
            std::string::npos);
}

}  // namespace
}  // namespace moest
