#include <gtest/gtest.h>

#include "moest/model/label_order.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

TEST(LabelOrder, PermutingComponentsKeepsTheModel) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 2.0}, {-0.3, 1.0}},
                                      {{{1.0, 2.0, 0.4}}, {{-1.0, -1.5, 0.5}}, {{0.2, 0.0, 0.3}}});
  const test::SimulatedData sim = SimulateLinear(truth, 300, 4);
  const Data data = sim.View();
  Model permuted = truth;
  arma::mat r;
  const double before = truth.LogLikelihood(data, &r);
  const arma::uvec order = CanonicalOrder(truth, LabelOrder::ExpertIntercept);
  EXPECT_EQ(order[0], 1u);
  EXPECT_EQ(order[2], 0u);
  ASSERT_TRUE(PermuteComponents(permuted, order, r));
  arma::mat rAfter;
  EXPECT_NEAR(permuted.LogLikelihood(data, &rAfter), before, 1e-9 * std::abs(before));
  EXPECT_LT(arma::abs(rAfter - r).max(), 1e-12);
  EXPECT_LT(arma::abs(PredictMean(permuted, data) - PredictMean(truth, data)).max(), 1e-12);
  EXPECT_TRUE(arma::all(permuted.gate().Blocks()[0].value.col(0) == 0.0));
  for (arma::uword k = 1; k < 3; ++k) {
    EXPECT_LT(permuted.expert(k - 1).Blocks()[0].value(0), permuted.expert(k).Blocks()[0].value(0));
  }
  const arma::uvec byGate = CanonicalOrder(truth, LabelOrder::GateIntercept);
  EXPECT_EQ(byGate[0], 2u);
  EXPECT_EQ(LabelOrderFromName(LabelOrderName(LabelOrder::GateIntercept)), LabelOrder::GateIntercept);
  EXPECT_THROW(LabelOrderFromName("size"), InputError);
}

// Different seeds may label the components differently; the canonical order makes them agree,
// standard errors included.
TEST(LabelOrder, FitsFromDifferentSeedsAgreeAfterOrdering) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 2.0}}, {{{1.0, 2.0, 0.4}}, {{-1.0, -1.5, 0.5}}});
  const test::SimulatedData sim = SimulateLinear(truth, 600, 9);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  FitOptions options;
  options.labelOrder = LabelOrder::ExpertIntercept;
  options.starts = 2;
  options.em.tolerance = 1e-11;
  SilentObserver silent;
  std::vector<FitResult> fits;
  for (std::uint64_t seed : {1, 2, 3, 4}) {
    options.seed = seed;
    fits.push_back(Fit(prototype, sim.View(), options, silent));
  }
  for (const FitResult& fit : fits) {
    EXPECT_LT(fit.model.expert(0).Blocks()[0].value(0), fit.model.expert(1).Blocks()[0].value(0));
    EXPECT_NEAR(fit.model.gate().Blocks()[0].value(1, 1), fits[0].model.gate().Blocks()[0].value(1, 1), 1e-4);
    EXPECT_NEAR(fit.stats.standardErrors.gate[0].value(1, 1), fits[0].stats.standardErrors.gate[0].value(1, 1), 1e-3);
  }
}

}  // namespace
}  // namespace moest
