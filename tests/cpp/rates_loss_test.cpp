#include <gtest/gtest.h>

#include <cmath>

#include "moest/rates/atoms.hpp"
#include "moest/rates/voronoi_loss.hpp"
#include "moest/rates/wasserstein_loss.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;

// The NeurIPS 2023 truth with the paper's reference expert first.
Model Truth() { return MakeLinearModel({{0.0, 0.0}, {-8.0, 25.0}}, {{-5.0, 20.0, 0.4}, {15.0, -20.0, 0.3}}); }

double D(const Model& truth, const Model& fitted, VoronoiKind kind = VoronoiKind::Exact) {
  return ComputeVoronoiLoss(truth, fitted, kind, VoronoiExponents::Softmax()).total;
}

TEST(VoronoiLoss, IsExactlyZeroAtTheTruth) {
  EXPECT_EQ(D(Truth(), Truth()), 0.0);
  EXPECT_EQ(D(Truth(), Truth(), VoronoiKind::OverFitted), 0.0);
}

TEST(VoronoiLoss, D1ByHandForAnExactFit) {
  // Fitted: atom 1 as the truth but expert intercept -4.9 and sigma 0.5; atom 2 exact. Translation 0 is
  // optimal (any shift moves a matched gate), so D1 = w1 (|0.1| + |0.25 - 0.16|) with w1 = exp(0) = 1.
  const Model fitted = MakeLinearModel({{0.0, 0.0}, {-8.0, 25.0}}, {{-4.9, 20.0, 0.5}, {15.0, -20.0, 0.3}});
  const VoronoiLoss loss = ComputeVoronoiLoss(Truth(), fitted, VoronoiKind::Exact, VoronoiExponents::Softmax());
  EXPECT_NEAR(loss.total, 0.1 + 0.09, 1e-9);
  EXPECT_NEAR(loss.weight, 0.0, 1e-12);
  ASSERT_EQ(loss.parts.size(), 4u);  // gate_slope, expert_intercept, expert_slope, expert_variance
  EXPECT_EQ(loss.parts[1].name, "expert_intercept");
  EXPECT_NEAR(loss.parts[1].value, 0.1, 1e-9);
  EXPECT_NEAR(loss.parts[3].value, 0.09, 1e-9);
}

TEST(VoronoiLoss, D2ByHandForASplitAtom) {
  // Three fitted atoms; atoms 2 and 3 split true atom 2 (weight e^-8) with half its weight each and
  // expert intercepts 15 +- 0.1: cell of 2, rbar = 4, intercept order 1, so each adds
  // (e^-8 / 2) 0.1^4; the weight term is 0. D1 uses exponent 1: 2 (e^-8 / 2) 0.1.
  const double half = -8.0 - std::log(2.0);
  const Model fitted = MakeLinearModel({{0.0, 0.0}, {half, 25.0}, {half, 25.0}},
                                       {{-5.0, 20.0, 0.4}, {15.1, -20.0, 0.3}, {14.9, -20.0, 0.3}});
  const double w = std::exp(-8.0);
  EXPECT_NEAR(D(Truth(), fitted, VoronoiKind::OverFitted), w * std::pow(0.1, 4.0), 1e-15);
  EXPECT_NEAR(D(Truth(), fitted, VoronoiKind::Exact), w * 0.1, 1e-12);
}

TEST(VoronoiLoss, InvariantToRelabellingAndToTheSoftmaxTranslation) {
  const Model fitted = MakeLinearModel({{0.0, 0.0}, {-7.9, 24.5}}, {{-4.8, 20.3, 0.41}, {15.2, -19.7, 0.33}});
  const double reference = D(Truth(), fitted);
  EXPECT_GT(reference, 0.0);
  // The same model with the components swapped: the new reference is the old atom 2, so every gate
  // column is shifted by (7.9, -24.5): a relabelling and a translation at once.
  const Model swapped = MakeLinearModel({{0.0, 0.0}, {7.9, -24.5}}, {{15.2, -19.7, 0.33}, {-4.8, 20.3, 0.41}});
  EXPECT_NEAR(D(Truth(), swapped), reference, 1e-8);
  EXPECT_NEAR(D(Truth(), swapped, VoronoiKind::OverFitted), D(Truth(), fitted, VoronoiKind::OverFitted), 1e-8);
}

TEST(VoronoiLoss, TheTranslationFindsASplitReference) {
  // The truth's reference atom split in two fitted atoms: fitted atom 1 is one half (log-weight
  // -log 2 relative to the truth's 0) but moest pins it to 0, so every fitted weight is doubled. Without
  // the translation the weight term would be about 1; with it the loss is 0.
  const Model fitted = MakeLinearModel({{0.0, 0.0}, {0.0, 0.0}, {-8.0 + std::log(2.0), 25.0}},
                                       {{-5.0, 20.0, 0.4}, {-5.0, 20.0, 0.4}, {15.0, -20.0, 0.3}});
  EXPECT_NEAR(D(Truth(), fitted, VoronoiKind::OverFitted), 0.0, 1e-12);
}

TEST(VoronoiLoss, RefusesCellsBeyondTheExponentTable) {
  const Model fitted = MakeLinearModel({{0.0, 0.0}, {0.0, 0.01}, {0.0, 0.02}, {0.0, 0.03}, {-8.0, 25.0}},
                                       {{-5.0, 20.0, 0.4}, {-5.0, 20.0, 0.4}, {-5.0, 20.0, 0.4}, {-5.0, 20.0, 0.4},
                                        {15.0, -20.0, 0.3}});
  const std::string message = test::ErrorOf([&] { D(Truth(), fitted, VoronoiKind::OverFitted); });
  EXPECT_NE(message.find("cell of 4"), std::string::npos) << message;
  EXPECT_NO_THROW(D(Truth(), fitted, VoronoiKind::Exact));
  EXPECT_EQ(VoronoiExponent(2), 4.0);
  EXPECT_EQ(VoronoiExponent(3), 6.0);
}

Model GaussianGated(double shift, double pi1) {
  Model model = Model::Make("gaussian", "gaussian_density(covariance = diagonal)", 2, 2, 2);
  model.gate().SetBlocks({{"pi", arma::mat{{pi1, 1.0 - pi1}}},
                          {"mean", arma::mat{{-0.1 + shift, 0.5}}},
                          {"variance", arma::mat{{0.04, 0.01}}}});
  model.expert(0).SetBlocks({{"coefficients", test::Column({0.3, 0.4})}, {"sigma", test::Scalar(0.1)}});
  model.expert(1).SetBlocks({{"coefficients", test::Column({0.2, 0.0})}, {"sigma", test::Scalar(0.2)}});
  return model;
}

TEST(VoronoiLoss, GaussianGateByHand) {
  const Model truth = GaussianGated(0.0, 0.3);
  EXPECT_EQ(ComputeVoronoiLoss(truth, truth, VoronoiKind::Exact, VoronoiExponents::GaussianGate()).total, 0.0);
  // Gate mean of atom 1 off by 0.02 and pi off by 0.05 each way: D1 = 0.05 + 0.05 + 0.35 * 0.02.
  const VoronoiLoss loss = ComputeVoronoiLoss(truth, GaussianGated(0.02, 0.35), VoronoiKind::Exact,
                                              VoronoiExponents::GaussianGate());
  EXPECT_NEAR(loss.total, 0.1 + 0.35 * 0.02, 1e-12);
  EXPECT_TRUE(loss.translation.is_empty());  // density gates have no translation
}

TEST(VoronoiLoss, LaplaceGateShiftsOnlyTheBias) {
  auto laplace = [](double bias, double centre) {
    Model model = Model::Make("gaussian", "laplace", 2, 2, 2);
    model.gate().SetBlocks({{"centres", arma::mat{{0.0, centre}}}, {"bias", arma::mat{{0.0, bias}}}});
    model.expert(0).SetBlocks({{"coefficients", test::Column({-5, 20})}, {"sigma", test::Scalar(0.4)}});
    model.expert(1).SetBlocks({{"coefficients", test::Column({15, -20})}, {"sigma", test::Scalar(0.3)}});
    return model;
  };
  const Model truth = laplace(0.0, 1.0);
  EXPECT_EQ(ComputeVoronoiLoss(truth, truth, VoronoiKind::Exact, VoronoiExponents::LaplaceGate()).total, 0.0);
  // Centre 2 off by 0.1: weights are exp(0) = 1, so D1 = 0.1.
  EXPECT_NEAR(ComputeVoronoiLoss(truth, laplace(0.0, 1.1), VoronoiKind::Exact, VoronoiExponents::LaplaceGate()).total,
              0.1, 1e-12);
}

TEST(VoronoiLoss, MultinomialExpertsByHand) {
  auto model = [](double eta) {
    Model m = Model::Make("multinomial(classes = 3)", "softmax", 2, 2, 2);
    m.gate().SetBlocks({{"coefficients", arma::mat{{0.0, -1.0}, {0.0, 3.0}}}});
    m.expert(0).SetBlocks({{"coefficients", arma::mat{{1.0, -1.0}, {-2.0, 3.0}}}});
    m.expert(1).SetBlocks({{"coefficients", arma::mat{{-1.0, 0.5}, {eta, 0.0}}}});
    return m;
  };
  const Model truth = model(0.0);
  EXPECT_EQ(D(truth, truth), 0.0);
  // Expert 2's slope for class 1 off by 0.2, weight exp(-1): D1 = e^-1 * 0.2.
  EXPECT_NEAR(D(truth, model(0.2)), std::exp(-1.0) * 0.2, 1e-9);
}

TEST(Wasserstein, TransportByHand) {
  // Masses (0.5, 0.5) to (1): everything moves, cost 0.5 * 1 + 0.5 * 3.
  EXPECT_NEAR(TransportCost(arma::vec{0.5, 0.5}, arma::vec{1.0}, arma::mat(arma::vec{1.0, 3.0})), 2.0, 1e-14);
  // A 2 x 2 problem whose optimum is the anti-diagonal.
  EXPECT_NEAR(TransportCost(arma::vec{0.4, 0.6}, arma::vec{0.6, 0.4}, arma::mat{{5.0, 1.0}, {1.0, 5.0}}), 1.0, 1e-12);
  // Unequal masses: 0.3 -> col 2 (cost 1), 0.2 -> col 1 (cost 2)... checked against the LP optimum.
  EXPECT_NEAR(TransportCost(arma::vec{0.5, 0.5}, arma::vec{0.3, 0.7}, arma::mat{{2.0, 1.0}, {0.0, 4.0}}),
              0.3 * 0.0 + 0.2 * 4.0 + 0.5 * 1.0, 1e-12);
}

TEST(Wasserstein, CovariateFreeGateByHand) {
  auto model = [](double intercept, double b) {
    Model m = Model::Make("gaussian", "softmax", 2, 1, 2);
    m.gate().SetBlocks({{"coefficients", arma::mat{{0.0, b}}}});
    m.expert(0).SetBlocks({{"coefficients", test::Column({intercept, -2.0})}, {"sigma", test::Scalar(0.4)}});
    m.expert(1).SetBlocks({{"coefficients", test::Column({-1.0, 2.0})}, {"sigma", test::Scalar(0.3)}});
    return m;
  };
  const Model truth = model(1.0, 0.0);
  EXPECT_NEAR(WassersteinDistance(AtomsOf(truth), AtomsOf(truth), 1.0), 0.0, 1e-14);
  // Equal weights, atom 1's intercept off by 0.2: W1 = 0.5 * 0.2, W4 = (0.5 * 0.2^4)^(1/4).
  EXPECT_NEAR(WassersteinDistance(AtomsOf(truth), AtomsOf(model(1.2, 0.0)), 1.0), 0.1, 1e-12);
  EXPECT_NEAR(WassersteinDistance(AtomsOf(truth), AtomsOf(model(1.2, 0.0)), 4.0), std::pow(0.5 * 0.0016, 0.25), 1e-12);
}

TEST(Atoms, RefuseAGateWithoutWeights) {
  const Model probit = Model::Make("gaussian", "probit", 2, 2, 2);
  EXPECT_NE(test::ErrorOf([&] { AtomsOf(probit); }).find("mixing weights"), std::string::npos);
}

}  // namespace
}  // namespace moest
