#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

arma::mat RandomDesign(arma::uword n, Rng& rng) {
  arma::mat x(n, 3);
  for (arma::uword i = 0; i < n; ++i) {
    x(i, 0) = 1.0;
    x(i, 1) = rng.Normal();
    x(i, 2) = rng.Uniform();
  }
  return x;
}

arma::mat RandomResponsibilities(arma::uword n, arma::uword K, Rng& rng) {
  arma::mat r(n, K);
  for (auto& v : r) v = rng.Uniform();
  r.each_col() /= arma::sum(r, 1);
  return r;
}

double Objective(const SoftmaxGate& gate, const Data& data, const arma::mat& r) {
  arma::mat logG;
  gate.LogWeights(data, logG);
  return arma::accu(r % logG);
}

TEST(SoftmaxGate, WeightsAreNormalisedAndMatchTheFormula) {
  Rng rng(1);
  const arma::mat x = RandomDesign(50, rng);
  SoftmaxGate gate(3, 3);
  arma::mat w = {{0, 0.5, -1.0}, {0, 2.0, 0.3}, {0, -1.0, 1.5}};
  gate.SetBlocks({{"coefficients", w}});
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  EXPECT_LT(arma::abs(arma::sum(arma::exp(logG), 1) - 1.0).max(), 1e-14);
  const arma::rowvec eta = x.row(4) * w;
  EXPECT_NEAR(std::exp(logG(4, 2)), std::exp(eta[2]) / arma::accu(arma::exp(eta)), 1e-14);
}

TEST(SoftmaxGate, SetBlocksMakesTheFirstComponentTheReference) {
  SoftmaxGate gate(1, 3);
  gate.SetBlocks({{"coefficients", arma::mat{{1.0, 2.0, 4.0}}}});
  EXPECT_EQ(gate.Coefficients()(0, 0), 0.0);
  EXPECT_EQ(gate.Coefficients()(0, 2), 3.0);
}

TEST(SoftmaxGate, GradientMatchesFiniteDifferences) {
  Rng rng(2);
  const arma::mat x = RandomDesign(80, rng);
  const Data data(x, x, x);
  SoftmaxGate gate(3, 3);
  gate.Unpack(arma::vec{0.2, -0.4, 0.9, 0.1, 0.5, -1.2});
  arma::mat c(80, 3);
  for (auto& v : c) v = rng.Uniform();
  arma::vec analytic;
  gate.GradLogWeights(data, c, analytic);
  auto objective = [&](const arma::vec& t) {
    SoftmaxGate g(gate);
    g.Unpack(t);
    return Objective(g, data, c);
  };
  const arma::vec numeric = test::NumericGradient(objective, gate.Pack());
  EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-6 * (1.0 + arma::abs(numeric).max()));
}

TEST(SoftmaxGate, NewtonStepReachesTheWeightedMaximum) {
  Rng rng(3);
  const arma::mat x = RandomDesign(500, rng);
  const Data data(x, x, x);
  const arma::mat r = RandomResponsibilities(500, 3, rng);
  SoftmaxGate gate(3, 3);
  const double before = Objective(gate, data, r);
  const StepReport report = gate.FitResponsibilities(data, r);
  EXPECT_FALSE(report.innerCapHit);
  EXPECT_GE(Objective(gate, data, r), before);
  arma::vec gradient;
  gate.GradLogWeights(data, r, gradient);
  EXPECT_LT(arma::abs(gradient).max(), 1e-6);  // stationary: the M-step maximised
}

TEST(SoftmaxGate, OneNewtonStepRaisesTheObjectiveWithoutACapHit) {
  // A generalised EM's M-step: one accepted step, closer to the maximum than the start, and not a cap
  // hit; the solved M-step from the same start goes further.
  Rng rng(4);
  const arma::mat x = RandomDesign(500, rng);
  const Data data(x, x, x);
  arma::mat r = RandomResponsibilities(500, 3, rng);
  r.col(1) += 0.5 * arma::conv_to<arma::vec>::from(x.col(1) > 0.0);  // far from the start's equal weights
  r.each_col() /= arma::sum(r, 1);
  SoftmaxGate one(3, 3), solved(3, 3);
  const double before = Objective(one, data, r);
  one.SetNewtonSteps(1);
  const StepReport report = one.FitResponsibilities(data, r);
  solved.FitResponsibilities(data, r);
  EXPECT_FALSE(report.innerCapHit);
  EXPECT_TRUE(report.note.empty());
  const double stepped = Objective(one, data, r), best = Objective(solved, data, r);
  EXPECT_GT(stepped, before);
  EXPECT_GT(best, stepped);  // one step is not the maximum here...
  EXPECT_LT(best - stepped, 0.1 * (best - before));  // ...but most of the way (Newton from a smooth start)
}

// After an M-step the gate keeps its accepted Newton point's log weights for the next E-step on the same
// data: they must be the log weights at the new coefficients, and must not outlive a change of the
// coefficients or serve other data.
TEST(SoftmaxGate, TheEStepAfterAnMStepSeesTheNewCoefficientsWeights) {
  Rng rng(8);
  const arma::mat x = RandomDesign(400, rng), other = RandomDesign(400, rng);
  const Data data(x, x, x), otherData(other, other, other);
  arma::mat r = RandomResponsibilities(400, 3, rng);
  r.col(2) += 0.5 * arma::conv_to<arma::vec>::from(x.col(1) > 0.0);
  r.each_col() /= arma::sum(r, 1);
  for (int steps : {1, 0}) {
    SoftmaxGate gate(3, 3);
    gate.SetNewtonSteps(steps);
    arma::mat before;
    gate.LogWeights(data, before);  // an E-step at the start
    gate.FitResponsibilities(data, r);
    SoftmaxGate fresh(3, 3);  // the same coefficients, nothing kept
    fresh.SetBlocks(gate.Blocks());
    arma::mat kept, computed;
    gate.LogWeights(data, kept);
    fresh.LogWeights(data, computed);
    EXPECT_GT(arma::abs(kept - before).max(), 0.01) << "steps " << steps;  // the coefficients moved
    EXPECT_LT(arma::abs(kept - computed).max(), 1e-12) << "steps " << steps;
    // Other data at the same coefficients: computed for them.
    gate.FitResponsibilities(data, r);
    fresh.SetBlocks(gate.Blocks());
    gate.LogWeights(otherData, kept);
    fresh.LogWeights(otherData, computed);
    EXPECT_LT(arma::abs(kept - computed).max(), 1e-12) << "steps " << steps;
    // New coefficients after the M-step: the kept weights are dropped.
    gate.FitResponsibilities(data, r);
    arma::mat w = gate.Blocks()[0].value;
    w(1, 1) += 0.5;
    gate.SetBlocks({{"coefficients", w}});
    fresh.SetBlocks({{"coefficients", w}});
    gate.LogWeights(data, kept);
    fresh.LogWeights(data, computed);
    EXPECT_LT(arma::abs(kept - computed).max(), 1e-12) << "steps " << steps;
  }
}

TEST(SoftmaxGate, InterceptOnlyGateFitsTheMixingProportions) {
  const arma::uword n = 400;
  const arma::mat x = arma::ones(n, 1);
  arma::mat r(n, 2, arma::fill::zeros);
  r.col(0).head(100).ones();
  r.col(1).tail(300).ones();
  SoftmaxGate gate(1, 2);
  gate.FitResponsibilities(Data(x, x, x), r);
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  EXPECT_NEAR(std::exp(logG(0, 0)), 0.25, 1e-8);
}

TEST(SoftmaxGate, SeparableResponsibilitiesHitTheCapAndSayWhy) {
  // Perfectly separated hard labels: the maximum is at infinity, so the Newton loop must stop at its
  // cap (reported), never loop forever or produce non-finite coefficients.
  const arma::mat x = arma::join_rows(arma::ones(100), arma::linspace(-1, 1, 100));
  arma::mat r(100, 2, arma::fill::zeros);
  r.col(0).head(50).ones();
  r.col(1).tail(50).ones();
  SoftmaxGate gate(2, 2);
  gate.SetInnerControl(10, 1e-12);
  const StepReport report = gate.FitResponsibilities(Data(x, x, x), r);
  EXPECT_TRUE(report.innerCapHit);
  EXPECT_FALSE(report.note.empty());
  EXPECT_TRUE(gate.Coefficients().is_finite());
}

TEST(SoftmaxGate, SingleComponentHasNoParameters) {
  SoftmaxGate gate(2, 1);
  EXPECT_EQ(gate.NumParameters(), 0u);
  const arma::mat x = arma::ones(5, 2);
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  EXPECT_TRUE(arma::all(arma::vectorise(logG) == 0.0));
}

TEST(SoftmaxGate, RejectsZeroComponents) { EXPECT_THROW(SoftmaxGate(2, 0), InputError); }

}  // namespace
}  // namespace moest
