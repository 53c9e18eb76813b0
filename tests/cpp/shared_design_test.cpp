// One matrix as both the expert and the gate design (what `moest fit` passes when the formula's gate
// terms are the expert terms): the same fit, standard errors included, as two separate copies.
#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

TEST(SharedDesign, OneMatrixForExpertsAndGateGivesTheFitOfTwoCopies) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 2.0}, {-0.5, -2.0}},
                                      {{{-2.0, 1.0, 0.4}}, {{0.0, -1.0, 0.3}}, {{2.0, 0.5, 0.5}}});
  const auto sim = SimulateLinear(truth, 600, 17);
  const arma::mat gateCopy = sim.x;
  ASSERT_NE(gateCopy.memptr(), sim.x.memptr());
  FitOptions options;
  options.seed = 5;
  options.starts = 3;
  options.threads = 1;
  test::RecordingObserver sharedObserver, separateObserver;
  const FitResult shared = Fit(truth, Data(sim.y, sim.x, sim.x), options, sharedObserver);
  const FitResult separate = Fit(truth, Data(sim.y, sim.x, gateCopy), options, separateObserver);
  EXPECT_EQ(shared.stats.status, separate.stats.status);
  EXPECT_EQ(shared.stats.logLikelihood, separate.stats.logLikelihood);
  EXPECT_EQ(shared.stats.iterations, separate.stats.iterations);
  EXPECT_TRUE(arma::all(PackModel(shared.model) == PackModel(separate.model)));
  ASSERT_FALSE(shared.stats.standardErrors.vcov.is_empty());
  EXPECT_TRUE(arma::all(arma::vectorise(shared.stats.standardErrors.vcov == separate.stats.standardErrors.vcov)));
}

}  // namespace
}  // namespace moest
