#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "moest/model/row_blocks.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

Model ThreeExperts() {
  return test::MakeLinearModel({{0, 0}, {0.5, 4.0}, {1, -1}},
                               {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}, {{0, 0, 1}}});
}

// The model's parameters with normal noise of sd `scale` added (a point away from the optimum).
arma::vec Perturbed(const Model& model, double scale, std::uint64_t seed) {
  arma::vec theta = PackModel(model);
  Rng rng(seed);
  for (auto& v : theta) v += scale * rng.Normal();
  return theta;
}

TEST(Packing, RoundTripsAndLabelsEveryEntry) {
  const Model truth = test::MakeLinearModel({{0, 0}, {0.5, 4.0}, {1, -1}},
                                            {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}, {{0, 0, 1}}});
  const arma::vec theta = PackModel(truth);
  EXPECT_EQ(theta.n_elem, truth.NumParameters());
  Model copy = Model::Make("gaussian", "softmax", 2, 2, 3);
  UnpackModel(copy, theta);
  EXPECT_TRUE(arma::all(PackModel(copy) == theta));
  EXPECT_EQ(PackedLabels(truth).size(), theta.n_elem);
  EXPECT_THROW(UnpackModel(copy, arma::vec(3)), InputError);
}

TEST(Packing, LogLikelihoodGradientMatchesFiniteDifferences) {
  const Model truth = ThreeExperts();
  const auto sim = test::SimulateLinear(truth, 300, 12);
  // A point away from the optimum, so that the gradient is not near zero.
  const arma::vec theta = Perturbed(truth, 0.2, 1);
  Model model = truth;
  UnpackModel(model, theta);
  arma::vec analytic;
  const double logLik = LogLikelihoodGradient(model, sim.View(), analytic);
  EXPECT_NEAR(logLik, model.LogLikelihood(sim.View()), 1e-9);
  auto f = [&](const arma::vec& t) {
    Model m = model;
    UnpackModel(m, t);
    return m.LogLikelihood(sim.View());
  };
  const arma::vec numeric = test::NumericGradient(f, theta, 1e-6);
  EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-4 * (1.0 + arma::abs(numeric).max()));
}

TEST(Packing, LogLikelihoodGradientOverRowBlocksEqualsTheWholeSum) {
  // Beyond 2 * kRowBlock rows the gradient is summed block by block: the same numbers, in
  // another order. Checked against the whole-data sum of the per-row scores, with one shared design
  // and with separate expert and gate designs (the last block is short).
  const Model truth = ThreeExperts();
  const arma::uword n = 2 * kRowBlock + 1234;
  const auto sim = test::SimulateLinear(truth, n, 5);
  Model model = truth;
  UnpackModel(model, Perturbed(truth, 0.1, 2));
  arma::mat r;
  const double wholeLogLik = model.LogLikelihood(sim.View(), &r);
  const arma::vec whole = CompleteDataGradient(model, sim.View(), r);
  arma::vec blocked;
  const double logLik = LogLikelihoodGradient(model, sim.View(), blocked);
  EXPECT_NEAR(logLik, wholeLogLik, 1e-9 * std::abs(wholeLogLik));
  ASSERT_EQ(blocked.n_elem, whole.n_elem);
  EXPECT_LT(arma::abs(blocked - whole).max(), 1e-9 * (1.0 + arma::abs(whole).max()));
  EXPECT_GT(arma::abs(whole).max(), 1.0);  // away from the optimum: the comparison is not of zeros
  const arma::mat gateDesign = sim.x;  // equal values, another matrix
  arma::vec separate;
  LogLikelihoodGradient(model, Data(sim.y, sim.x, gateDesign), separate);
  EXPECT_LT(arma::abs(separate - whole).max(), 1e-9 * (1.0 + arma::abs(whole).max()));
}

}  // namespace
}  // namespace moest
