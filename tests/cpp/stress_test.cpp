// Numerical stress: extreme scales, near-duplicate rows, perfect separation, emptying components and
// many components. Each fit must either converge to finite estimates or end with a named status and a
// plain-language message; it must never present NaN or infinite estimates as converged.
#include <gtest/gtest.h>

#include <cmath>

#include "moest/io/number_text.hpp"
#include "moest/moest.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

bool AllFinite(const Model& model) {
  for (const ParameterBlock& block : model.gate().Blocks()) {
    if (!block.value.is_finite()) return false;
  }
  for (arma::uword k = 0; k < model.K(); ++k) {
    for (const ParameterBlock& block : model.expert(k).Blocks()) {
      if (!block.value.is_finite()) return false;
    }
  }
  return true;
}

// The contract every stressed fit must keep.
void ExpectHonest(const FitResult& fit, const std::string& what) {
  const bool finite = AllFinite(fit.model) && std::isfinite(fit.stats.logLikelihood);
  if (fit.stats.status == FitStatus::Converged) {
    EXPECT_TRUE(finite) << what << ": converged with non-finite estimates\n" << fit.stats.message;
  } else {
    EXPECT_FALSE(fit.stats.message.empty()) << what << ": status " << StatusName(fit.stats.status) << " without a message";
  }
  if (!finite) EXPECT_NE(fit.stats.status, FitStatus::Converged) << what;
  EXPECT_EQ(fit.responsibilities.n_cols, fit.model.K()) << what;
}

FitOptions QuickOptions(int starts = 3) {
  FitOptions options;
  options.seed = 7;
  options.starts = starts;
  options.standardErrors = false;
  return options;
}

Model TwoLines() { return test::MakeLinearModel({{0.0, 0.0}, {0.0, 3.0}}, {{{-2.0, 1.0, 0.5}}, {{2.0, -1.0, 0.5}}}); }

// Fits start from a fresh prototype (zero gate), as the CLI and R do: the gate's first Newton step
// starts from the prototype's coefficients, and a saturated one (the truth's slope 3 with x scaled by
// 1e8) has no curvature to move from (see docs/RELIABILITY.md).
Model Prototype(arma::uword K = 2) { return Model::Make("gaussian", "softmax", 2, 2, K); }

// The Gaussian MoE is equivariant: scaling y by a and x by b scales the estimates and shifts the
// log-likelihood by -n log(a). Starts (k-means on standardised data, random partitions) and the
// variance floor (relative to var(y)) are equivariant too, so the fits must agree.
TEST(Stress, ScalesFrom1eMinus8To1e8GiveTheEquivariantFit) {
  const auto sim = test::SimulateLinear(TwoLines(), 400, 3);
  SilentObserver silent;
  const FitResult base = Fit(Prototype(), sim.View(), QuickOptions(), silent);
  ASSERT_EQ(base.stats.status, FitStatus::Converged) << base.stats.message;
  for (double ys : {1e-8, 1e-4, 1e4, 1e8}) {
    for (double xs : {1e-8, 1.0, 1e8}) {
      const arma::mat y = sim.y * ys;
      arma::mat x = sim.x;
      x.col(1) *= xs;
      const FitResult fit = Fit(Prototype(), Data(y, x, x), QuickOptions(), silent);
      const std::string what = "y scale " + NumberText(ys) + ", x scale " + NumberText(xs);
      ExpectHonest(fit, what);
      EXPECT_EQ(fit.stats.status, FitStatus::Converged) << what << ": " << fit.stats.message;
      const double expected = base.stats.logLikelihood - 400.0 * std::log(ys);
      EXPECT_NEAR(fit.stats.logLikelihood, expected, 1e-5 * std::abs(expected) + 1e-3) << what;
    }
  }
}

TEST(Stress, ResponsesBeyondTheSquareRootOfTheLargestDoubleAreRejected) {
  const auto sim = test::SimulateLinear(TwoLines(), 200, 4);
  SilentObserver silent;
  const arma::mat huge = sim.y * 1e200;  // var(y) would overflow to infinity
  const std::string error = test::ErrorOf([&] { Fit(Prototype(), Data(huge, sim.x, sim.x), QuickOptions(1), silent); });
  EXPECT_NE(error.find("rescale"), std::string::npos) << error;
  // 1e140 still squares in range: it fits, honestly named.
  const arma::mat large = sim.y * 1e140;
  const FitResult fit = Fit(Prototype(), Data(large, sim.x, sim.x), QuickOptions(1), silent);
  ExpectHonest(fit, "y scale 1e140");
}

TEST(Stress, NearDuplicateRowsFit) {
  const auto sim = test::SimulateLinear(TwoLines(), 150, 5);
  // Every row three times, the copies perturbed in the 12th digit.
  arma::mat y = arma::join_cols(sim.y, sim.y * (1 + 1e-12), sim.y * (1 - 1e-12));
  arma::mat x = arma::join_cols(sim.x, sim.x, sim.x);
  x.col(1) += 1e-13 * arma::linspace(0, 1, x.n_rows);
  SilentObserver silent;
  const FitResult fit = Fit(Prototype(), Data(y, x, x), QuickOptions(), silent);
  ExpectHonest(fit, "near-duplicate rows");
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
}

TEST(Stress, AComponentOfExactlyEqualResponsesHitsTheVarianceFloorNamed) {
  auto sim = test::SimulateLinear(TwoLines(), 300, 6);
  // Half the rows share one exact response: a component there has zero variance.
  for (arma::uword i = 0; i < 150; ++i) sim.y(i, 0) = 1.25;
  SilentObserver silent;
  const FitResult fit = Fit(Prototype(), sim.View(), QuickOptions(), silent);
  ExpectHonest(fit, "exactly equal responses");
  if (fit.stats.status == FitStatus::Converged) {
    EXPECT_TRUE(fit.stats.varianceFloorBound) << "a zero-variance component converged without the floor flag";
  }
}

TEST(Stress, PerfectlySeparatedGateStaysFinite) {
  // Two far-apart lines switched exactly by the sign of x: the gate's MLE slope is infinite.
  arma::mat x(400, 2);
  x.col(0).ones();
  x.col(1) = arma::linspace(-1, 1, 400);
  arma::mat y(400, 1);
  Rng rng(8);
  for (arma::uword i = 0; i < 400; ++i) y(i, 0) = (x(i, 1) < 0 ? -20.0 : 20.0) + 0.1 * rng.Normal();
  SilentObserver silent;
  const FitResult fit = Fit(Prototype(), Data(y, x, x), QuickOptions(), silent);
  ExpectHonest(fit, "separated gate");
  EXPECT_TRUE(AllFinite(fit.model)) << "a separated gate must stay finite (capped Newton), status "
                                    << StatusName(fit.stats.status);
}

TEST(Stress, PerfectlySeparatedClassesForTheMultinomialExpert) {
  arma::mat x(300, 2);
  x.col(0).ones();
  x.col(1) = arma::linspace(-1, 1, 300);
  arma::mat y(300, 1);
  for (arma::uword i = 0; i < 300; ++i) y(i, 0) = x(i, 1) < 0 ? 0.0 : (x(i, 1) < 0.5 ? 1.0 : 2.0);
  // The log-likelihood tends to 0 as the coefficients grow without bound: the relative-change rule
  // never holds for K = 2 (max_iterations, named); cap the iterations to keep the test short.
  FitOptions options = QuickOptions(2);
  options.em.maxIterations = 60;
  SilentObserver silent;
  for (arma::uword K : {1u, 2u}) {
    const Model prototype = Model::Make("multinomial(classes = 3)", "softmax", 2, 2, K);
    const FitResult fit = Fit(prototype, Data(y, x, x), options, silent);
    ExpectHonest(fit, "separated classes, K = " + std::to_string(K));
    EXPECT_TRUE(AllFinite(fit.model)) << "K = " << K << ", status " << StatusName(fit.stats.status);
    // A fit that stops as converged says that the estimates do not exist.
    if (fit.stats.status == FitStatus::Converged) {
      EXPECT_NE(fit.stats.message.find("perfectly separated"), std::string::npos) << fit.stats.message;
    }
  }
}

TEST(Stress, AComponentThatEmptiesEndsNamed) {
  const auto sim = test::SimulateLinear(TwoLines(), 300, 9);
  // A start where the third component holds two rows: it loses them during EM.
  FitOptions options = QuickOptions(1);
  options.initialPartition = sim.component;
  options.initialPartition(0) = 2;
  options.initialPartition(1) = 2;
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 3);
  SilentObserver silent;
  const FitResult fit = Fit(prototype, sim.View(), options, silent);
  ExpectHonest(fit, "emptying component");
}

TEST(Stress, FiftyComponentsEndNamed) {
  const auto sim = test::SimulateLinear(TwoLines(), 1000, 10);
  FitOptions options = QuickOptions(1);
  options.em.maxIterations = 100;
  options.diagnostics = false;
  SilentObserver silent;
  for (arma::uword K : {20u, 50u}) {
    const FitResult fit = Fit(Model::Make("gaussian", "softmax", 2, 2, K), sim.View(), options, silent);
    ExpectHonest(fit, "K = " + std::to_string(K));
  }
}

}  // namespace
}  // namespace moest
