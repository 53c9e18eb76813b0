// Classification EM and stochastic EM: CEM's partition and experts on well separated data, the
// monotone classification likelihood, SEM's reproducibility for any number of threads.
#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

Model WellSeparated() {
  return MakeLinearModel({{0, 0}, {0.2, 1.0}}, {{{5.0, 2.0, 0.5}}, {{-5.0, -1.0, 0.6}}});
}

arma::uvec HardLabels(const arma::mat& r) { return arma::index_max(r, 1); }

TEST(EmVariant, ClassificationEmGivesTheHardPartitionOfEm) {
  const Model truth = WellSeparated();
  const test::SimulatedData sim = SimulateLinear(truth, 1000, 21);
  FitOptions options;
  options.starts = 1;
  options.initialPartition = sim.component;
  options.standardErrors = false;
  SilentObserver silent;
  const FitResult em = Fit(truth, sim.View(), options, silent);
  options.em.variant = EmVariant::Classification;
  const FitResult cem = Fit(truth, sim.View(), options, silent);
  ASSERT_EQ(cem.stats.status, FitStatus::Converged) << cem.stats.message;
  EXPECT_EQ(cem.stats.emVariant, "classification");
  EXPECT_NE(cem.stats.message.find("classification EM"), std::string::npos);
  EXPECT_TRUE(arma::all(HardLabels(em.responsibilities) == HardLabels(cem.responsibilities)));
  for (arma::uword k = 0; k < 2; ++k) {
    const arma::mat a = em.model.expert(k).Blocks()[0].value, b = cem.model.expert(k).Blocks()[0].value;
    EXPECT_LT(arma::abs(a - b).max(), 1e-3) << "expert " << k + 1;
    EXPECT_NEAR(em.model.expert(k).Blocks()[1].value(0), cem.model.expert(k).Blocks()[1].value(0), 1e-3);
  }
  // The classification log-likelihood never decreases, and is below the observed one.
  for (std::size_t t = 1; t < cem.stats.trace.size(); ++t) {
    EXPECT_GE(cem.stats.trace[t].logLikelihood, cem.stats.trace[t - 1].logLikelihood - 1e-9);
    EXPECT_FALSE(cem.stats.trace[t].decrease);
  }
  EXPECT_LE(cem.stats.trace.back().logLikelihood, cem.stats.logLikelihood + 1e-9);
}

// Overlapping components from a poor start: the partition changes over many iterations.
TEST(EmVariant, ClassificationEmIsMonotoneFromAPoorStart) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 0.5}}, {{{1.0, 1.0, 0.8}}, {{-1.0, -1.0, 0.8}}});
  const test::SimulatedData sim = SimulateLinear(truth, 800, 5);
  FitOptions options;
  options.starts = 3;
  options.startMethod = StartMethod::RandomPartition;
  options.em.variant = EmVariant::Classification;
  options.standardErrors = false;
  SilentObserver silent;
  const FitResult cem = Fit(truth, sim.View(), options, silent);
  EXPECT_GT(cem.stats.trace.size(), 2u);
  for (std::size_t t = 1; t < cem.stats.trace.size(); ++t) {
    EXPECT_GE(cem.stats.trace[t].logLikelihood, cem.stats.trace[t - 1].logLikelihood - 1e-9) << t;
  }
  EXPECT_EQ(cem.stats.diagnostics.decreases, 0);
}

// Overlapping components, so that the draws matter (on well separated data SEM is CEM).
TEST(EmVariant, StochasticEmIsReproducibleForAnyNumberOfThreads) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 0.5}}, {{{1.0, 1.0, 0.8}}, {{-1.0, -1.0, 0.8}}});
  const test::SimulatedData sim = SimulateLinear(truth, 600, 8);
  FitOptions options;
  options.starts = 4;
  options.seed = 77;
  options.em.variant = EmVariant::Stochastic;
  options.em.maxIterations = 60;
  options.standardErrors = false;
  SilentObserver silent;
  options.threads = 1;
  const FitResult one = Fit(truth, sim.View(), options, silent);
  const FitResult again = Fit(truth, sim.View(), options, silent);
  options.threads = 2;
  const FitResult two = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(one.stats.iterations, 60);
  EXPECT_EQ(one.stats.status, FitStatus::Converged) << one.stats.message;
  EXPECT_NE(one.stats.message.find("not monotone"), std::string::npos) << one.stats.message;
  EXPECT_EQ(PackModel(one.model).n_elem, PackModel(two.model).n_elem);
  EXPECT_TRUE(arma::approx_equal(PackModel(one.model), PackModel(again.model), "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(PackModel(one.model), PackModel(two.model), "absdiff", 0.0));
  EXPECT_EQ(one.stats.startLogLikelihoods, two.stats.startLogLikelihoods);
  // Decreases of the chain are not flagged as errors.
  for (const TraceRow& row : one.stats.trace) EXPECT_FALSE(row.decrease);
  EXPECT_EQ(one.stats.diagnostics.decreases, 0);
  // Another seed gives another chain.
  options.seed = 78;
  const FitResult other = Fit(truth, sim.View(), options, silent);
  EXPECT_NE(other.stats.startLogLikelihoods, one.stats.startLogLikelihoods);
}

TEST(EmVariant, BadChoicesAreRefused) {
  EXPECT_NE(test::ErrorOf([] { EmVariantFromName("hard"); }).find("standard, classification or stochastic"),
            std::string::npos);
  const Model truth = WellSeparated();
  const test::SimulatedData sim = SimulateLinear(truth, 200, 1);
  FitOptions options;
  options.solver = SolverKind::Mle;
  options.em.variant = EmVariant::Classification;
  SilentObserver silent;
  EXPECT_NE(test::ErrorOf([&] { Fit(truth, sim.View(), options, silent); }).find("needs an EM solver"),
            std::string::npos);
}

}  // namespace
}  // namespace moest
