#include <gtest/gtest.h>

#include <cmath>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

Model TwoExperts() {
  return MakeLinearModel({{0, 0}, {0.5, 4.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});
}

Model ThreeExperts() {
  return MakeLinearModel({{0, 0}, {0.5, 3.0}, {-0.5, -3.0}},
                         {{{0.0, 1.0, 0.3}}, {{2.0, -1.0, 0.4}}, {{-2.0, 0.5, 0.3}}});
}

FitResult FitWith(const Model& prototype, const Data& data, SolverKind solver, int starts = 4) {
  FitOptions options;
  options.solver = solver;
  options.starts = starts;
  options.seed = 11;
  options.em.tolerance = 1e-11;
  options.em.maxIterations = 5000;
  SilentObserver silent;
  return Fit(prototype, data, options, silent);
}

TEST(NegativeLogLikelihood, GradientMatchesFiniteDifferences) {
  for (const Model& truth : {TwoExperts(), ThreeExperts()}) {
    const test::SimulatedData sim = SimulateLinear(truth, 300, 5);
    const Data data = sim.View();
    NegativeLogLikelihood objective(truth, data);
    const arma::vec theta = PackModel(truth) + 0.05;
    arma::vec gradient;
    objective.EvaluateWithGradient(theta, gradient);
    NegativeLogLikelihood probe(truth, data);
    const arma::vec numeric = test::NumericGradient(
        [&](const arma::vec& t) {
          arma::vec unused;
          return probe.EvaluateWithGradient(t, unused);
        },
        theta);
    ASSERT_EQ(gradient.n_elem, numeric.n_elem);
    EXPECT_LT(arma::abs(gradient - numeric).max(), 1e-6) << gradient.t() << numeric.t();
  }
}

// Direct MLE and EM must reach the same optimum on every model of the suite.
TEST(Mle, ReachesTheEmOptimum) {
  const Model one = MakeLinearModel({{0, 0}}, {{{1.0, 2.0, 0.3}}});
  for (const Model& truth : {one, TwoExperts(), ThreeExperts()}) {
    const test::SimulatedData sim = SimulateLinear(truth, 800, 21);
    const FitResult em = FitWith(truth, sim.View(), SolverKind::Em);
    const FitResult mle = FitWith(truth, sim.View(), SolverKind::Mle);
    const FitResult both = FitWith(truth, sim.View(), SolverKind::EmMle);
    const double scale = std::abs(em.stats.logLikelihood);
    EXPECT_NEAR(mle.stats.logLikelihood, em.stats.logLikelihood, 1e-6 * scale) << "K = " << truth.K();
    EXPECT_NEAR(both.stats.logLikelihood, em.stats.logLikelihood, 1e-6 * scale) << "K = " << truth.K();
    EXPECT_GE(both.stats.logLikelihood, em.stats.logLikelihood - 1e-9 * scale);
    EXPECT_EQ(mle.stats.solver, "mle");
    EXPECT_EQ(both.stats.solver, "em+mle");
    EXPECT_EQ(mle.stats.status, FitStatus::Converged) << mle.stats.message;
    EXPECT_LT(mle.stats.gradientNorm, 1e-4);
    EXPECT_LT(both.stats.gradientNorm, 1e-4);
    EXPECT_TRUE(std::isfinite(em.stats.gradientNorm));
    EXPECT_GT(mle.stats.mleEvaluations, 0);
  }
}

// A gate without covariates (| 1): only the intercepts are free.
TEST(Mle, ReachesTheEmOptimumWithAConstantGate) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 600, 8);
  const arma::mat ones(sim.x.n_rows, 1, arma::fill::ones);
  const Data data(sim.y, sim.x, ones);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 1, 2);
  const FitResult em = FitWith(prototype, data, SolverKind::Em);
  const FitResult mle = FitWith(prototype, data, SolverKind::Mle);
  EXPECT_NEAR(mle.stats.logLikelihood, em.stats.logLikelihood, 1e-6 * std::abs(em.stats.logLikelihood));
}

TEST(Mle, TraceNeverDecreasesAndTheObserverCanStop) {
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 500, 3);
  const FitResult mle = FitWith(truth, sim.View(), SolverKind::Mle, 1);
  for (std::size_t t = 1; t < mle.stats.trace.size(); ++t) {
    EXPECT_GE(mle.stats.trace[t].logLikelihood, mle.stats.trace[t - 1].logLikelihood);
  }
  test::RecordingObserver stopper(3);
  FitOptions options;
  options.solver = SolverKind::Mle;
  options.starts = 1;
  const FitResult stopped = Fit(truth, sim.View(), options, stopper);
  EXPECT_EQ(stopped.stats.status, FitStatus::Interrupted);
}

TEST(Mle, SolverNamesRoundTripAndBadOptionsAreRefused) {
  for (SolverKind kind : {SolverKind::Em, SolverKind::Mle, SolverKind::EmMle}) {
    EXPECT_EQ(SolverFromName(SolverName(kind)), kind);
  }
  EXPECT_THROW(SolverFromName("newton"), InputError);
  const Model truth = TwoExperts();
  const test::SimulatedData sim = SimulateLinear(truth, 200, 3);
  FitOptions options;
  options.solver = SolverKind::Mle;
  options.mle.maxEvaluations = 0;
  SilentObserver silent;
  EXPECT_THROW(Fit(truth, sim.View(), options, silent), InputError);
}

}  // namespace
}  // namespace moest
