// Every gate family with every expert family: a two-component fit on data that each expert family can
// model ends with a finite log-likelihood and a named status, its EM trace never decreases, its gate
// weights are probabilities, it explains the data far better than one expert, and its model file
// gives back the same likelihood. One table of pairs,
// so a gate or expert added to a registry is exercised against all the others.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "moest/moest.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

/** Two regimes split at x = 0, with a response of the kind `expert` models. */
test::SimulatedData TwoRegimes(const std::string& expert, arma::uword n, std::uint64_t seed) {
  Rng rng(seed);
  test::SimulatedData out;
  out.x.set_size(n, 2);
  out.x.col(0).ones();
  const bool multivariate = expert.rfind("mvn", 0) == 0;
  out.y.set_size(n, multivariate ? 2 : 1);
  out.component.set_size(n);
  for (arma::uword i = 0; i < n; ++i) {
    const double x = -2.0 + 4.0 * rng.Uniform();
    const bool right = x + 0.3 * rng.Normal() > 0.0;
    out.x(i, 1) = x;
    out.component[i] = right ? 1 : 0;
    if (expert == "poisson") {
      const double mean = std::exp(right ? 1.5 + 0.4 * x : 0.2 - 0.5 * x);
      double draw = 0.0, total = -std::log(rng.Uniform());  // Poisson by exponential inter-arrival times
      while (total < mean) {
        draw += 1.0;
        total -= std::log(rng.Uniform());
      }
      out.y(i, 0) = draw;
    } else if (expert.rfind("multinomial", 0) == 0) {
      const arma::rowvec weights = right ? arma::rowvec{0.1, 0.2, 0.7} : arma::rowvec{0.6, 0.3, 0.1};
      out.y(i, 0) = static_cast<double>(rng.Categorical(weights));
    } else {
      const double e = rng.Normal();
      out.y(i, 0) = (right ? 3.0 + x : -3.0 - x) + 0.5 * e;
      // A second column correlated with the first within each regime.
      if (multivariate) out.y(i, 1) = (right ? 1.0 - x : -1.0 + 0.5 * x) + 0.3 * e + 0.4 * rng.Normal();
    }
  }
  return out;
}

struct Pair {
  std::string gate;
  std::string expert;
};

std::vector<Pair> AllPairs() {
  const std::vector<std::string> gates = {"softmax",          "softmax(temperature = 0.5)", "softmax(top_k = 2)",
                                          "softmax(transform = tanh)", "laplace",           "gaussian_kernel",
                                          "probit",           "gaussian_density",           "t_density",
                                          "laplace_density"};
  const std::vector<std::string> experts = {"gaussian", "t", "poisson", "multinomial(classes = 3)",
                                            "mvn(dimension = 2)"};
  std::vector<Pair> pairs;
  for (const std::string& gate : gates) {
    for (const std::string& expert : experts) pairs.push_back({gate, expert});
  }
  return pairs;
}

class GateExpertMatrix : public ::testing::TestWithParam<Pair> {};

TEST_P(GateExpertMatrix, FitsMonotonicallyAndRoundTripsThroughAModelFile) {
  const Pair pair = GetParam();
  const test::SimulatedData sim = TwoRegimes(pair.expert, 300, 11);
  FitOptions options;
  options.starts = 2;
  options.seed = 3;
  options.em.maxIterations = 150;
  options.standardErrors = false;
  SilentObserver silent;
  const FitResult fit = Fit(Model::Make(pair.expert, pair.gate, 2, 2, 2), sim.View(), options, silent);

  ASSERT_TRUE(std::isfinite(fit.stats.logLikelihood)) << StatusName(fit.stats.status) << ": " << fit.stats.message;
  EXPECT_NE(fit.stats.status, FitStatus::NonFinite) << fit.stats.message;
  EXPECT_FALSE(fit.stats.message.empty() && fit.stats.status != FitStatus::Converged);
  for (const TraceRow& row : fit.stats.trace) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  // The two regimes are far apart: two experts explain y given x much better than one.
  const FitResult one = Fit(Model::Make(pair.expert, "softmax", 2, 2, 1), sim.View(), options, silent);
  EXPECT_GT(fit.stats.conditionalLogLikelihood, one.stats.logLikelihood + 5.0)
      << StatusName(fit.stats.status) << ": " << fit.stats.message;

  const arma::mat gate = PredictGate(fit.model, sim.View());
  EXPECT_TRUE(gate.is_finite());
  EXPECT_LT(arma::abs(arma::sum(gate, 1) - 1.0).max(), 1e-10);
  EXPECT_GE(gate.min(), 0.0);

  ModelFile file = test::LinearModelFile(fit);
  file.expertFamily = fit.model.expert(0).Spec().ToString();
  file.gateFamily = fit.model.gate().Spec().ToString();
  const ModelFile back = ModelFromJson(ModelToJson(file), "round trip");
  EXPECT_NEAR(back.model.LogLikelihood(sim.View()), fit.stats.logLikelihood,
              1e-9 * std::abs(fit.stats.logLikelihood));
  EXPECT_EQ(back.model.NumParameters(), fit.model.NumParameters());
}

std::string PairName(const ::testing::TestParamInfo<Pair>& info) {
  std::string name = info.param.gate + "_" + info.param.expert;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, GateExpertMatrix, ::testing::ValuesIn(AllPairs()), PairName);

}  // namespace
}  // namespace moest
