// The information matrices are formed column by column on several threads, the complete-data one
// block by block; both must equal the plain one-thread, full-gradient computation.
#include <gtest/gtest.h>

#include "moest/diagnostics/convergence.hpp"
#include "moest/model/packing.hpp"
#include "moest/solver/information_columns.hpp"
#include "moest/solver/fit.hpp"
#include "moest/solver/mle.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

Model ThreeExperts() {
  return test::MakeLinearModel({{0, 0}, {0.5, 3.0}, {-0.5, -3.0}},
                               {{{2.0, 1.0, 0.3}}, {{-2.0, 2.0, 0.4}}, {{0.0, -3.0, 0.25}}});
}

// The complete-data information by central differences of the whole complete-data gradient, plainly.
arma::mat WholeCompleteInformation(const Model& truth, const Data& data) {
  arma::mat r;
  truth.LogLikelihood(data, &r);
  const arma::vec theta = PackModel(truth);
  arma::mat full(theta.n_elem, theta.n_elem);
  Model probe = truth;
  for (arma::uword j = 0; j < theta.n_elem; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(theta[j]));
    arma::vec shifted = theta;
    shifted[j] += h;
    UnpackModel(probe, shifted);
    const arma::vec up = CompleteDataGradient(probe, data, r);
    shifted[j] = theta[j] - h;
    UnpackModel(probe, shifted);
    full.col(j) = -(up - CompleteDataGradient(probe, data, r)) / (2.0 * h);
  }
  return 0.5 * (full + full.t());
}

TEST(InformationColumns, ObservedInformationIsIdenticalForAnyNumberOfThreads) {
  const Model truth = ThreeExperts();
  const test::SimulatedData sim = test::SimulateLinear(truth, 2000, 21);
  const arma::mat one = ObservedInformation(truth, sim.View(), 1e-5, 1);
  const arma::mat two = ObservedInformation(truth, sim.View(), 1e-5, 2);
  const arma::mat three = ObservedInformation(truth, sim.View(), 1e-5, 3);
  ASSERT_EQ(one.n_rows, PackModel(truth).n_elem);
  EXPECT_TRUE(arma::all(arma::vectorise(one == two)));
  EXPECT_TRUE(arma::all(arma::vectorise(one == three)));
  EXPECT_TRUE(one.is_finite());
}

// Differencing only the shifted block of the complete-data gradient gives exactly the matrix that
// differencing the whole gradient gives: the other blocks do not move.
TEST(InformationColumns, BlockwiseCompleteInformationEqualsTheFullDifferences) {
  const Model truth = ThreeExperts();
  const test::SimulatedData sim = test::SimulateLinear(truth, 1500, 22);
  const Data data = sim.View();
  const arma::mat full = WholeCompleteInformation(truth, data);
  const arma::mat blockwise = CompleteInformation(truth, data, 1e-5, 2);
  EXPECT_LT(arma::abs(blockwise - full).max(), 1e-9 * arma::abs(full).max());
  // Gate and expert blocks do not mix.
  const arma::uword gate = truth.gate().Pack().n_elem;
  EXPECT_EQ(arma::abs(blockwise.submat(0, gate, gate - 1, full.n_cols - 1)).max(), 0.0);
}

// On data of several cache blocks the information matrices are summed block by block, in fixed groups:
// identical for any number of threads, and equal to differencing the gradients of the whole data.
TEST(InformationColumns, RowBlockedInformationEqualsTheWholeDataDifferences) {
  const Model truth = ThreeExperts();
  const test::SimulatedData sim = test::SimulateLinear(truth, 30001, 25);  // 8 blocks, the last one row
  const Data data = sim.View();
  const arma::mat one = ObservedInformation(truth, data, 1e-5, 1);
  const arma::mat two = ObservedInformation(truth, data, 1e-5, 2);
  const arma::mat three = ObservedInformation(truth, data, 1e-5, 3);
  EXPECT_TRUE(arma::all(arma::vectorise(one == two)));
  EXPECT_TRUE(arma::all(arma::vectorise(one == three)));
  const arma::mat whole = NegativeDifferenceJacobian(truth, 1e-5, 2, [&](const Model& probe, arma::uword, arma::mat& r) {
    arma::vec gradient;
    LogLikelihoodGradient(probe, data, gradient, &r);
    return gradient;
  });
  ASSERT_EQ(one.n_rows, whole.n_rows);
  // The central differences cancel most digits of the gradients (sums over 30000 rows): the two
  // summation orders agree to the differences' round-off, ~1e-16 |gradient terms| / h.
  EXPECT_LT(arma::abs(one - whole).max(), 1e-7 * arma::abs(whole).max());
  EXPECT_GT(arma::abs(one - whole).max(), 0.0);  // a different summation order indeed
  const arma::mat complete1 = CompleteInformation(truth, data, 1e-5, 1);
  const arma::mat complete2 = CompleteInformation(truth, data, 1e-5, 2);
  EXPECT_TRUE(arma::all(arma::vectorise(complete1 == complete2)));
  const arma::mat full = WholeCompleteInformation(truth, data);
  EXPECT_LT(arma::abs(complete1 - full).max(), 1e-7 * arma::abs(full).max());
  // The gradient norm is summed the same way.
  const double norm1 = GradientNorm(truth, data, arma::uvec(), 1), norm2 = GradientNorm(truth, data, arma::uvec(), 2);
  EXPECT_EQ(norm1, norm2);
  arma::vec gradient;
  LogLikelihoodGradient(truth, data, gradient);
  EXPECT_NEAR(norm1, arma::abs(gradient).max() / static_cast<double>(data.N()), 1e-12 * arma::abs(gradient).max());
  EXPECT_GT(norm1, 0.0);
}

TEST(InformationColumns, FitWithoutStandardErrorsFormsNoInformation) {
  const Model truth = ThreeExperts();
  const test::SimulatedData sim = test::SimulateLinear(truth, 3000, 23);
  FitOptions options;
  options.starts = 2;
  SetStandardErrorChoice(options, "none");
  EXPECT_FALSE(options.standardErrors);
  SilentObserver silent;
  const FitResult bare = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(bare.stats.standardErrors.method, "none");
  EXPECT_FALSE(bare.stats.standardErrors.positiveDefinite);
  EXPECT_TRUE(bare.stats.standardErrors.vcov.is_empty());
  EXPECT_NE(bare.stats.standardErrors.message.find("se = none"), std::string::npos);
  EXPECT_EQ(bare.stats.diagnostics.note.find("nan"), std::string::npos) << bare.stats.diagnostics.note;
  EXPECT_TRUE(bare.stats.diagnostics.computed);
  EXPECT_TRUE(std::isnan(bare.stats.diagnostics.missingInformationRate));
  SetStandardErrorChoice(options, "observed");
  const FitResult full = Fit(truth, sim.View(), options, silent);
  EXPECT_TRUE(full.stats.standardErrors.positiveDefinite);
  EXPECT_GT(full.stats.diagnostics.missingInformationRate, 0.0);
  EXPECT_LT(full.stats.diagnostics.missingInformationRate, 1.0);
  EXPECT_EQ(bare.stats.logLikelihood, full.stats.logLikelihood);  // the estimate itself is unchanged
  EXPECT_NE(test::ErrorOf([&] { SetStandardErrorChoice(options, "robust"); }).find("observed, sandwich or none"),
            std::string::npos);
}

// The standard errors and the diagnostics reuse one observed information: a 2-thread fit gives the
// very same numbers as a 1-thread fit.
TEST(InformationColumns, StandardErrorsAreIdenticalForOneAndTwoThreads) {
  const Model truth = ThreeExperts();
  const test::SimulatedData sim = test::SimulateLinear(truth, 3000, 24);
  FitOptions options;
  options.starts = 2;
  SilentObserver silent;
  options.threads = 1;
  const FitResult one = Fit(truth, sim.View(), options, silent);
  options.threads = 2;
  const FitResult two = Fit(truth, sim.View(), options, silent);
  ASSERT_TRUE(one.stats.standardErrors.positiveDefinite);
  EXPECT_TRUE(arma::all(arma::vectorise(one.stats.standardErrors.vcov == two.stats.standardErrors.vcov)));
  EXPECT_EQ(one.stats.diagnostics.missingInformationRate, two.stats.diagnostics.missingInformationRate);
}

}  // namespace
}  // namespace moest
