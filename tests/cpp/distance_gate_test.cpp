// Laplace (plain distance) and Gaussian-kernel (squared distance) gates.
#include <gtest/gtest.h>

#include <cmath>

#include "gate_test_support.hpp"

namespace moest {
namespace {

using test::GateDesign;
using test::GradientError;
using test::RandomWeights;

TEST(DistanceGates, WeightsMatchTheFormula) {
  Rng rng(21);
  const arma::mat x = GateDesign(40, rng);
  const std::unique_ptr<Gate> gate = MakeGate("laplace", 3, 3);
  const arma::mat centres = {{-1.0, 0.5, 2.0}, {0.0, 1.0, -1.0}};
  const arma::mat bias = {{0.0, 0.3, -0.2}};
  gate->SetBlocks({{"centres", centres}, {"bias", bias}});
  arma::mat logG;
  gate->LogWeights(Data(x, x, x), logG);
  arma::rowvec logits(3);
  for (arma::uword k = 0; k < 3; ++k) {
    logits[k] = -arma::norm(x.row(7).cols(1, 2).t() - centres.col(k)) + bias(0, k);
  }
  EXPECT_NEAR(std::exp(logG(7, 1)), std::exp(logits[1]) / arma::accu(arma::exp(logits)), 1e-14);
  EXPECT_LT(arma::abs(arma::sum(arma::exp(logG), 1) - 1.0).max(), 1e-14);
}

TEST(DistanceGates, GradientsMatchFiniteDifferencesAtRandomParameters) {
  Rng rng(22);
  const arma::mat x = GateDesign(150, rng);
  const Data data(x, x, x);
  for (const char* spec : {"laplace", "gaussian_kernel"}) {
    for (int repeat = 0; repeat < 4; ++repeat) {
      const std::unique_ptr<Gate> gate = MakeGate(spec, 3, 3);
      arma::vec theta(gate->NumParameters());
      for (auto& v : theta) v = rng.Normal();
      gate->Unpack(theta);
      EXPECT_LT(GradientError(*gate, data, RandomWeights(150, 3, rng)), 1e-6) << spec;
    }
  }
}

TEST(DistanceGates, ParameterCountsAndIdentification) {
  // laplace: every centre (2 covariates x 3) and b_2, b_3; gaussian_kernel: c_1 = 0 too.
  EXPECT_EQ(MakeGate("laplace", 3, 3)->NumParameters(), 8u);
  EXPECT_EQ(MakeGate("gaussian_kernel", 3, 3)->NumParameters(), 6u);
  // The Gaussian kernel's centres are identified up to a common shift: SetBlocks moves c_1 to 0 and
  // the biases absorb the change, leaving the weights as they were.
  Rng rng(23);
  const arma::mat x = GateDesign(30, rng);
  const std::unique_ptr<Gate> gate = MakeGate("gaussian_kernel", 3, 2);
  gate->SetBlocks({{"centres", arma::mat{{1.0, 2.0}, {-1.0, 0.5}}}, {"bias", arma::mat{{0.4, -0.3}}}});
  arma::mat logG;
  gate->LogWeights(Data(x, x, x), logG);
  arma::mat logits(30, 2);
  logits.col(0) = -arma::sum(arma::square(arma::mat(x.cols(1, 2)).each_row() - arma::rowvec{1.0, -1.0}), 1) + 0.4;
  logits.col(1) = -arma::sum(arma::square(arma::mat(x.cols(1, 2)).each_row() - arma::rowvec{2.0, 0.5}), 1) - 0.3;
  const arma::vec expected = logits.col(1) - arma::log(arma::exp(logits.col(0)) + arma::exp(logits.col(1)));
  EXPECT_LT(arma::abs(logG.col(1) - expected).max(), 1e-12);
  EXPECT_TRUE(arma::all(gate->Blocks()[0].value.col(0) == 0.0));
}

TEST(DistanceGates, NeedAnInterceptAndACovariate) {
  EXPECT_THROW(MakeGate("laplace", 1, 2), InputError);
  const std::unique_ptr<Gate> gate = MakeGate("laplace", 2, 2);
  const arma::mat noIntercept = {{0.5, 1.0}, {2.0, 1.0}};
  arma::mat logG;
  EXPECT_THROW(gate->LogWeights(Data(noIntercept, noIntercept, noIntercept), logG), InputError);
  EXPECT_THROW(MakeGate("laplace(scale = 2)", 2, 2), InputError);
}

TEST(DistanceGates, SpecAndBlocksRoundTrip) {
  const std::unique_ptr<Gate> gate = MakeGate("laplace", 2, 3);
  gate->SetBlocks({{"centres", arma::mat{{-1.0, 0.0, 1.0}}}, {"bias", arma::mat{{0.0, 0.2, 0.1}}}});
  const std::unique_ptr<Gate> copy = MakeGate(gate->Spec(), 2, 3);
  copy->SetBlocks(gate->Blocks());
  EXPECT_LT(arma::abs(copy->Pack() - gate->Pack()).max(), 1e-15);
  EXPECT_EQ(gate->Spec().ToString(), "laplace");
}

void ExpectRecovery(const char* spec, const ParameterBlocks& gateBlocks, std::uint64_t seed) {
  const Model truth = test::MakeGatedModel(spec, gateBlocks, {{{-2.0, 1.0, 0.5}}, {{2.0, -1.0, 0.5}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 5000, seed, -3.0, 3.0);
  const test::Recovery recovery = test::FitFromTruth(truth, sim);
  EXPECT_EQ(recovery.fit.stats.status, FitStatus::Converged) << spec;
  EXPECT_GE(recovery.fit.stats.logLikelihood, recovery.truthLogLikelihood - 1e-6) << spec;
  const arma::vec error = arma::abs(recovery.fit.model.gate().Pack() - truth.gate().Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * recovery.standardErrors)) << spec << error.t() << recovery.standardErrors.t();
}

TEST(DistanceGates, RecoverKnownParametersFromSimulatedData) {
  // n = 5000, z ~ U(-3, 3), well-separated experts: within 4 complete-data standard errors.
  ExpectRecovery("laplace", {{"centres", arma::mat{{-1.0, 1.5}}}, {"bias", arma::mat{{0.0, 0.3}}}}, 24);
  ExpectRecovery("gaussian_kernel", {{"centres", arma::mat{{0.0, 0.6}}}, {"bias", arma::mat{{0.0, 0.2}}}}, 25);
}

}  // namespace
}  // namespace moest
