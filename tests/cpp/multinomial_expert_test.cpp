#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

using test::Column;

struct ClassData {
  arma::mat x, y;
  explicit ClassData(arma::uword n = 400, std::uint64_t seed = 5) {
    MultinomialExpert truth(2, 3);
    truth.SetBlocks({{"coefficients", arma::mat({{0.5, -0.3}, {1.5, -2.0}})}});
    Rng rng(seed);
    x.set_size(n, 2);
    x.col(0).ones();
    for (arma::uword i = 0; i < n; ++i) x(i, 1) = 2.0 * rng.Uniform() - 1.0;
    y.zeros(n, 1);
    arma::mat draws;
    truth.Sample(Data(y, x, x), rng, draws);
    y = draws;
  }
  Data View() const { return Data(y, x, x); }
};

TEST(MultinomialExpert, LogDensityIsTheLogSoftmaxWithTheFirstClassAsReference) {
  ClassData f;
  MultinomialExpert expert(2, 3);
  expert.SetBlocks({{"coefficients", arma::mat({{0.5, -0.3}, {1.5, -2.0}})}});
  arma::vec out;
  expert.LogDensity(f.View(), out);
  for (arma::uword i = 0; i < 5; ++i) {
    const double e1 = 0.5 + 1.5 * f.x(i, 1), e2 = -0.3 - 2.0 * f.x(i, 1);
    const double lse = std::log(1.0 + std::exp(e1) + std::exp(e2));
    const double eta = f.y(i, 0) == 0 ? 0.0 : (f.y(i, 0) == 1 ? e1 : e2);
    EXPECT_NEAR(out[i], eta - lse, 1e-12);
  }
  arma::mat prob;
  expert.ClassProbabilities(f.View(), prob);
  EXPECT_LT(arma::abs(arma::sum(prob, 1) - 1.0).max(), 1e-12);
  arma::vec mean;
  expert.Mean(f.View(), mean);
  EXPECT_NEAR(mean[0], prob(0, 1) + 2.0 * prob(0, 2), 1e-12);
}

TEST(MultinomialExpert, GradientMatchesFiniteDifferences) {
  ClassData f;
  MultinomialExpert expert(2, 3);
  expert.SetBlocks({{"coefficients", arma::mat({{0.2, -0.4}, {1.0, 0.7}})}});
  Rng rng(4);
  arma::vec c(f.y.n_rows);
  for (auto& v : c) v = rng.Uniform();
  arma::vec analytic;
  expert.GradLogDensity(f.View(), c, analytic);
  auto objective = [&](const arma::vec& t) {
    MultinomialExpert e(expert);
    e.Unpack(t);
    arma::vec ld;
    e.LogDensity(f.View(), ld);
    return arma::dot(c, ld);
  };
  const arma::vec numeric = test::NumericGradient(objective, expert.Pack());
  EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-5 * (1.0 + arma::abs(numeric).max()));
}

TEST(MultinomialExpert, WeightedFitSolvesTheWeightedScoreEquations) {
  ClassData f;
  arma::vec w = test::UniformWeights(f.y.n_rows, 2);
  MultinomialExpert expert(2, 3);
  const StepReport report = expert.FitWeighted(f.View(), w);
  EXPECT_FALSE(report.singular);
  EXPECT_FALSE(report.innerCapHit);
  arma::vec g;
  expert.GradLogDensity(f.View(), w, g);
  EXPECT_LT(arma::abs(g).max(), 1e-7);
}

TEST(MultinomialExpert, TwoClassesIsWeightedLogisticRegression) {
  Rng rng(8);
  const arma::uword n = 500;
  arma::mat x(n, 2), y(n, 1);
  x.col(0).ones();
  for (arma::uword i = 0; i < n; ++i) {
    x(i, 1) = rng.Normal();
    y(i, 0) = rng.Uniform() < 1.0 / (1.0 + std::exp(-(0.3 + 1.2 * x(i, 1)))) ? 1.0 : 0.0;
  }
  MultinomialExpert expert(2, 2);
  expert.FitWeighted(Data(y, x, x), arma::ones(n));
  // The logistic score X'(y - p) vanishes.
  const arma::vec p = 1.0 / (1.0 + arma::exp(-(x * expert.Coefficients().col(0))));
  EXPECT_LT(arma::abs(x.t() * (y.col(0) - p)).max(), 1e-8);
}

TEST(MultinomialExpert, BadLabelsAndOptionsAreInputErrors) {
  ClassData f(60);
  FitOptions options;
  SilentObserver silent;
  const Model model = Model::Make("multinomial(classes = 3)", "softmax", 2, 2, 2);
  arma::mat y = f.y;
  y(9, 0) = 3.0;  // a class the model does not have
  try {
    Fit(model, Data(y, f.x, f.x), options, silent);
    FAIL() << "no error for an unknown class";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("row 10"), std::string::npos) << e.what();
  }
  y(9, 0) = 0.5;
  EXPECT_THROW(Fit(model, Data(y, f.x, f.x), options, silent), InputError);
  // A class unseen in training at prediction time.
  y(9, 0) = 7.0;
  EXPECT_THROW(PredictPosterior(model, Data(y, f.x, f.x)), InputError);
  EXPECT_THROW(MakeExpert("multinomial(classes = 1)", 2), InputError);
  EXPECT_THROW(MakeExpert("multinomial(classes = 2.5)", 2), InputError);
  EXPECT_THROW(PredictClassProbabilities(Model::Make("gaussian", "softmax", 2, 2, 2), f.View()), InputError);
}

TEST(MultinomialExpert, FitRecoversATwoExpertModelWithMonotoneTrace) {
  Model truth = Model::Make("multinomial(classes = 3)", "softmax", 2, 2, 2);
  truth.gate().SetBlocks({{"coefficients", arma::mat({{0.0, 0.3}, {0.0, 3.0}})}});
  truth.expert(0).SetBlocks({{"coefficients", arma::mat({{2.0, 0.0}, {3.0, 2.0}})}});
  truth.expert(1).SetBlocks({{"coefficients", arma::mat({{-2.0, 1.0}, {-3.0, -2.0}})}});
  const auto sim = test::SimulateLinear(truth, 3000, 41);
  // Categorical responses say little about membership, so EM is slow here: one start from the true
  // partition, a short run; the test is of the M-step's consistency and of monotonicity.
  FitOptions options;
  options.seed = 1;
  options.starts = 1;
  options.initialPartition = sim.component;
  options.em.maxIterations = 40;
  test::RecordingObserver recorder;
  const FitResult fit = Fit(truth, sim.View(), options, recorder);
  EXPECT_NE(fit.stats.status, FitStatus::NonFinite) << fit.stats.message;
  for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  const arma::uvec to = test::OrderByIntercept(truth), fo = test::OrderByIntercept(fit.model);
  for (arma::uword j = 0; j < 2; ++j) {
    const arma::mat tb = truth.expert(to[j]).Blocks()[0].value, fb = fit.model.expert(fo[j]).Blocks()[0].value;
    // Complete-data errors here are 0.05-0.15 (about 1500 rows per expert); allow 0.8.
    EXPECT_LT(arma::abs(fb - tb).max(), 0.8) << "expert " << j << "\n" << fb << tb;
  }
  const arma::mat prob = PredictClassProbabilities(fit.model, sim.View());
  EXPECT_LT(arma::abs(arma::sum(prob, 1) - 1.0).max(), 1e-12);
  const arma::uvec labels = arma::conv_to<arma::uvec>::from(sim.y.col(0));
  const double accuracy = arma::mean(arma::conv_to<arma::vec>::from(MostProbableClass(prob) == labels));
  const arma::mat truthProb = PredictClassProbabilities(truth, sim.View());
  const double truthAccuracy = arma::mean(arma::conv_to<arma::vec>::from(MostProbableClass(truthProb) == labels));
  EXPECT_GT(accuracy, truthAccuracy - 0.03);
}

}  // namespace
}  // namespace moest
