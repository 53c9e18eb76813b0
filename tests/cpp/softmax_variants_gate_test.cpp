// The softmax gate's options: temperature, top-K selection (bias before or after), bounded transforms.
#include <gtest/gtest.h>

#include <cmath>

#include "gate_test_support.hpp"

namespace moest {
namespace {

using test::GateDesign;
using test::GradientError;
using test::RandomWeights;

std::unique_ptr<Gate> RandomGate(const std::string& spec, arma::uword K, Rng& rng) {
  std::unique_ptr<Gate> gate = MakeGate(spec, 3, K);
  arma::vec theta(gate->NumParameters());
  for (auto& v : theta) v = rng.Normal();
  gate->Unpack(theta);
  return gate;
}

TEST(SoftmaxVariants, GradientsMatchFiniteDifferencesAtRandomParameters) {
  Rng rng(11);
  const arma::mat x = GateDesign(120, rng);
  const Data data(x, x, x);
  for (const char* spec : {"softmax(temperature = 0.5)", "softmax(temperature = 3)", "softmax(transform = tanh)",
                           "softmax(transform = sigmoid)", "softmax(top_k = 2)",
                           "softmax(top_k = 2, top_k_bias = after)", "softmax(top_k = 1)",
                           "softmax(top_k = 3, temperature = 0.7, transform = tanh)"}) {
    for (int repeat = 0; repeat < 3; ++repeat) {
      const std::unique_ptr<Gate> gate = RandomGate(spec, 4, rng);
      // As in EM, no weight on components that top-K left out (their constant log-weight of -1000
      // would only add round-off to the finite differences).
      arma::mat logG;
      gate->LogWeights(data, logG);
      const arma::mat c = RandomWeights(120, 4, rng) % arma::conv_to<arma::mat>::from(logG > -999.0);
      EXPECT_LT(GradientError(*gate, data, c), 1e-6) << spec;
    }
  }
}

TEST(SoftmaxVariants, TopKEqualToKAndTemperatureOneEqualPlainSoftmax) {
  Rng rng(12);
  const arma::mat x = GateDesign(200, rng);
  const Data data(x, x, x);
  SoftmaxGate plain(3, 3);
  arma::vec theta(6);
  for (auto& v : theta) v = 2.0 * rng.Normal();
  plain.Unpack(theta);
  arma::mat expected, actual;
  plain.LogWeights(data, expected);
  const arma::mat c = RandomWeights(200, 3, rng);
  arma::vec expectedGradient, actualGradient;
  plain.GradLogWeights(data, c, expectedGradient);
  for (const char* spec : {"softmax(top_k = 3)", "softmax(top_k = 3, top_k_bias = after)", "softmax(temperature = 1)"}) {
    const std::unique_ptr<Gate> gate = MakeGate(spec, 3, 3);
    gate->Unpack(theta);
    gate->LogWeights(data, actual);
    EXPECT_LT(arma::abs(actual - expected).max(), 1e-12) << spec;
    gate->GradLogWeights(data, c, actualGradient);
    EXPECT_LT(arma::abs(actualGradient - expectedGradient).max(), 1e-10) << spec;
  }
}

TEST(SoftmaxVariants, TemperatureDividesTheLogits) {
  Rng rng(13);
  const arma::mat x = GateDesign(50, rng);
  const Data data(x, x, x);
  const std::unique_ptr<Gate> hot = MakeGate("softmax(temperature = 0.5)", 3, 3);
  SoftmaxGate plain(3, 3);
  arma::vec theta(6);
  for (auto& v : theta) v = rng.Normal();
  hot->Unpack(theta);
  plain.Unpack(2.0 * theta);
  arma::mat a, b;
  hot->LogWeights(data, a);
  plain.LogWeights(data, b);
  EXPECT_LT(arma::abs(a - b).max(), 1e-12);
}

TEST(SoftmaxVariants, TopKKeepsTheLargestLogitsOnly) {
  Rng rng(14);
  const arma::mat x = GateDesign(100, rng);
  const Data data(x, x, x);
  const std::unique_ptr<Gate> gate = RandomGate("softmax(top_k = 2)", 4, rng);
  arma::mat logG;
  gate->LogWeights(data, logG);
  const arma::mat g = arma::exp(logG);
  const arma::mat logits = x * gate->Blocks()[0].value;
  for (arma::uword i = 0; i < 100; ++i) {
    EXPECT_NEAR(arma::accu(g.row(i)), 1.0, 1e-14);
    EXPECT_EQ(arma::accu(g.row(i) > 0.0), 2u);
    const arma::uvec order = arma::sort_index(logits.row(i).t(), "descend");
    EXPECT_GT(g(i, order[0]), 0.0);
    EXPECT_GT(g(i, order[1]), 0.0);
    const double expected = std::exp(logits(i, order[0])) /
                            (std::exp(logits(i, order[0])) + std::exp(logits(i, order[1])));
    EXPECT_NEAR(g(i, order[0]), expected, 1e-12);
  }
}

TEST(SoftmaxVariants, BiasAfterSelectionRanksWithoutTheIntercept) {
  // Component 2 has a large bias but a zero slope: ranked on the slopes alone it loses to the others.
  arma::mat x = {{1.0, 1.0}, {1.0, 2.0}};
  const std::unique_ptr<Gate> after = MakeGate("softmax(top_k = 1, top_k_bias = after)", 2, 3);
  const std::unique_ptr<Gate> before = MakeGate("softmax(top_k = 1)", 2, 3);
  const arma::mat w = {{0.0, 10.0, 0.0}, {0.0, 0.0, 1.0}};
  after->SetBlocks({{"coefficients", w}});
  before->SetBlocks({{"coefficients", w}});
  arma::mat logA, logB;
  after->LogWeights(Data(x, x, x), logA);
  before->LogWeights(Data(x, x, x), logB);
  EXPECT_NEAR(std::exp(logA(0, 2)), 1.0, 1e-14);  // slopes: 0, 0, 1 -> component 3
  EXPECT_NEAR(std::exp(logB(0, 1)), 1.0, 1e-14);  // full logits: 0, 10, 1 -> component 2
}

TEST(SoftmaxVariants, TransformAppliesToCovariatesNotTheIntercept) {
  Rng rng(15);
  const arma::mat x = GateDesign(60, rng);
  const std::unique_ptr<Gate> gate = RandomGate("softmax(transform = tanh)", 3, rng);
  arma::mat transformed = x;
  transformed.cols(1, 2) = arma::tanh(x.cols(1, 2));
  SoftmaxGate plain(3, 3);
  plain.Unpack(gate->Pack());
  arma::mat a, b;
  gate->LogWeights(Data(x, x, x), a);
  plain.LogWeights(Data(transformed, transformed, transformed), b);
  EXPECT_LT(arma::abs(a - b).max(), 1e-12);
}

TEST(SoftmaxVariants, MStepNeverDecreasesTheObjectiveAndIsStationary) {
  Rng rng(16);
  const arma::mat x = GateDesign(400, rng);
  const Data data(x, x, x);
  const arma::mat r = RandomWeights(400, 3, rng);
  for (const char* spec : {"softmax(temperature = 0.5)", "softmax(transform = sigmoid)", "softmax(top_k = 2)"}) {
    const std::unique_ptr<Gate> gate = MakeGate(spec, 3, 3);
    gate->SetInnerControl(10, 1e-10);
    const double before = test::GateObjectiveValue(*gate, data, r);
    gate->FitResponsibilities(data, r);
    EXPECT_GE(test::GateObjectiveValue(*gate, data, r), before) << spec;
    if (std::string(spec).find("top_k") == std::string::npos) {
      arma::vec gradient;
      gate->GradLogWeights(data, r, gradient);
      EXPECT_LT(arma::abs(gradient).max(), 1e-4) << spec;
    }
  }
}

TEST(SoftmaxVariants, SpecRoundTripsThroughTheRegistry) {
  for (const char* text : {"softmax(temperature = 0.5)", "softmax(top_k = 2, top_k_bias = after)",
                           "softmax(transform = sigmoid)"}) {
    const std::unique_ptr<Gate> gate = MakeGate(text, 2, 3);
    const std::string spec = gate->Spec().ToString();
    EXPECT_EQ(MakeGate(spec, 2, 3)->Spec().ToString(), spec) << text;
  }
  EXPECT_EQ(MakeGate("softmax(top_k = 2)", 2, 3)->Spec().ToString(), "softmax(top_k = 2, top_k_bias = before)");
  EXPECT_EQ(MakeGate("softmax(temperature = 0.5)", 2, 3)->NumParameters(), 4u);
}

TEST(SoftmaxVariants, BadOptionsAreClearErrors) {
  auto message = [](const std::string& spec) {
    try {
      MakeGate(spec, 2, 3);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("softmax(top_k = 4)").find("top_k"), std::string::npos);
  EXPECT_NE(message("softmax(top_k = 0)").find("top_k"), std::string::npos);
  EXPECT_NE(message("softmax(temperature = 0)").find("temperature"), std::string::npos);
  EXPECT_NE(message("softmax(temperature = -1)").find("positive"), std::string::npos);
  EXPECT_NE(message("softmax(temperature = hot)").find("temperature"), std::string::npos);
  EXPECT_NE(message("softmax(transform = cube)").find("unknown transform 'cube'"), std::string::npos);
  EXPECT_NE(message("softmax(top_k = 2, top_k_bias = middle)").find("top_k_bias"), std::string::npos);
  EXPECT_NE(message("softmax(tau = 2)").find("no option 'tau'"), std::string::npos);
}

TEST(SoftmaxVariants, RecoversKnownParametersFromSimulatedData) {
  // tanh-transformed covariate, temperature 0.5, n = 6000: the gate slope and intercept are recovered
  // within 4 complete-data standard errors (the experts are well separated, so the observed-data
  // errors are close to the complete-data ones), and the fitted log-likelihood is at least the truth's.
  const arma::mat w = {{0.0, 0.4}, {0.0, 1.5}};
  const Model truth = test::MakeGatedModel("softmax(temperature = 0.5, transform = tanh)", {{"coefficients", w}},
                                           {{{-2.0, 1.0, 0.5}}, {{2.0, -1.0, 0.5}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 6000, 17, -2.0, 2.0);
  const test::Recovery recovery = test::FitFromTruth(truth, sim);
  EXPECT_EQ(recovery.fit.stats.status, FitStatus::Converged);
  EXPECT_GE(recovery.fit.stats.logLikelihood, recovery.truthLogLikelihood - 1e-6);
  const arma::vec error = arma::abs(recovery.fit.model.gate().Pack() - truth.gate().Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * recovery.standardErrors)) << error.t() << recovery.standardErrors.t();
}

TEST(SoftmaxVariants, TopKMStepKeepsItsRankingAndNeverDecreases) {
  // Top-2 of 3 (bias before selection), labels drawn from the true gate (n = 3000). The objective is
  // piecewise: moving a ranking boundary past a row whose label would be left out costs that row its
  // whole weight, so the M-step can only move within the rankings its weights allow. From the truth
  // it must not decrease the objective and must stay within 4 complete-data standard errors.
  Rng rng(18);
  const arma::mat x = GateDesign(3000, rng);
  const Data data(x, x, x);
  const std::unique_ptr<Gate> truth = MakeGate("softmax(top_k = 2)", 3, 3);
  truth->SetBlocks({{"coefficients", arma::mat{{0.0, 0.5, -0.5}, {0.0, 1.5, -1.5}, {0.0, -1.0, 1.0}}}});
  const arma::mat labels = test::OneHot(test::DrawLabels(*truth, x, rng), 3);
  const std::unique_ptr<Gate> fitted = truth->Clone();
  fitted->SetInnerControl(10, 1e-10);
  fitted->FitResponsibilities(data, labels);
  EXPECT_GE(test::GateObjectiveValue(*fitted, data, labels), test::GateObjectiveValue(*truth, data, labels));
  const arma::vec se = test::GateStandardErrors(*truth, data, labels);
  const arma::vec error = arma::abs(fitted->Pack() - truth->Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * se)) << error.t() << se.t();
}

TEST(SoftmaxVariants, TopKFullEmFromRandomStartsRecoversTheTruth) {
  // Top-2 of 3 with Gaussian experts, n = 6000, 10 random-partition starts (no knowledge of the truth):
  // the best start reaches at least the truth's log-likelihood, and after sorting the components by
  // expert intercept the experts are within 0.1 of the truth (their standard errors are about 0.02
  // at 2000 rows each) and the gate within 4 complete-data standard errors.
  const Model truth = test::MakeGatedModel(
      "softmax(top_k = 2)", {{"coefficients", arma::mat{{0.0, 0.5, -0.5}, {0.0, 1.5, -1.5}}}},
      {{{-4.0, 1.0, 0.5}}, {{0.0, -1.0, 0.5}}, {{4.0, 0.5, 0.5}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 6000, 37, -2.0, 2.0);
  FitOptions options;
  options.starts = 10;
  options.seed = 5;
  options.labelOrder = LabelOrder::ExpertIntercept;
  SilentObserver silent;
  const FitResult fit = Fit(Model::Make("gaussian", "softmax(top_k = 2)", 2, 2, 3), sim.View(), options, silent);
  EXPECT_GE(fit.stats.logLikelihood, truth.LogLikelihood(sim.View()) - 1e-6);
  for (arma::uword k = 0; k < 3; ++k) {
    const arma::vec fitted = fit.model.expert(k).Pack(), wanted = truth.expert(k).Pack();
    EXPECT_LT(std::abs(fitted[0] - wanted[0]), 0.1) << "expert " << k << ": " << fitted.t();
    EXPECT_LT(std::abs(fitted[1] - wanted[1]), 0.1) << "expert " << k << ": " << fitted.t();
  }
  const arma::vec se = test::GateStandardErrors(truth.gate(), sim.View(), test::OneHot(sim.component, 3));
  const arma::vec error = arma::abs(fit.model.gate().Pack() - truth.gate().Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * se)) << error.t() << se.t();
}

}  // namespace
}  // namespace moest
