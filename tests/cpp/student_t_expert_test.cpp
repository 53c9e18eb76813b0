#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

using test::Column;
using test::Scalar;

// y = 1 + 2x + 0.5 t_4 on x ~ U(0, 1), with both designs [1, x].
struct TData {
  arma::mat x, y;
  explicit TData(arma::uword n = 400, std::uint64_t seed = 11) {
    StudentTExpert truth(2, 4.0, false);
    truth.SetBlocks({{"coefficients", Column({1.0, 2.0})}, {"sigma", Scalar(0.5)}, {"nu", Scalar(4.0)}});
    Rng rng(seed);
    x.set_size(n, 2);
    x.col(0).ones();
    for (arma::uword i = 0; i < n; ++i) x(i, 1) = rng.Uniform();
    y.zeros(n, 1);
    truth.Sample(Data(y, x, x), rng, y);
  }
  Data View() const { return Data(y, x, x); }
};

double WeightedLogLik(const Expert& expert, const Data& data, const arma::vec& w) {
  arma::vec ld;
  expert.LogDensity(data, ld);
  return arma::dot(w, ld);
}

TEST(StudentTExpert, LogDensityMatchesTheTFormula) {
  TData f;
  StudentTExpert expert(2, 3.0, false);
  expert.SetBlocks({{"coefficients", Column({0.5, -1.0})}, {"sigma", Scalar(0.7)}, {"nu", Scalar(3.0)}});
  arma::vec out;
  expert.LogDensity(f.View(), out);
  for (arma::uword i = 0; i < 5; ++i) {
    const double z = (f.y(i, 0) - 0.5 + f.x(i, 1)) / 0.7;
    const double expected = std::lgamma(2.0) - std::lgamma(1.5) - 0.5 * std::log(3.0 * M_PI) - std::log(0.7) -
                            2.0 * std::log(1.0 + z * z / 3.0);
    EXPECT_NEAR(out[i], expected, 1e-12);
  }
}

TEST(StudentTExpert, GradientMatchesFiniteDifferences) {
  TData f;
  for (bool estimate : {true, false}) {
    StudentTExpert expert(2, 3.5, estimate);
    expert.SetBlocks({{"coefficients", Column({0.3, 1.7})}, {"sigma", Scalar(0.8)}, {"nu", Scalar(3.5)}});
    Rng rng(4);
    arma::vec c(f.y.n_rows);
    for (auto& v : c) v = rng.Uniform();
    arma::vec analytic;
    expert.GradLogDensity(f.View(), c, analytic);
    ASSERT_EQ(analytic.n_elem, estimate ? 4u : 3u);
    auto objective = [&](const arma::vec& t) {
      StudentTExpert e(expert);
      e.Unpack(t);
      return WeightedLogLik(e, f.View(), c);
    };
    const arma::vec numeric = test::NumericGradient(objective, expert.Pack());
    EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-5 * (1.0 + arma::abs(numeric).max()));
  }
}

TEST(StudentTExpert, RepeatedWeightedFitsReachAStationaryPointAndNeverDecrease) {
  TData f(2000);
  arma::vec w = test::UniformWeights(f.y.n_rows, 2);
  StudentTExpert expert(2, 10.0, true);
  double previous = -arma::datum::inf;
  for (int step = 0; step < 60; ++step) {
    const StepReport report = expert.FitWeighted(f.View(), w);
    EXPECT_FALSE(report.singular);
    const double current = WeightedLogLik(expert, f.View(), w);
    EXPECT_GE(current, previous - 1e-9 * std::abs(current)) << "step " << step;
    previous = current;
  }
  arma::vec g;
  expert.GradLogDensity(f.View(), w, g);
  EXPECT_LT(arma::abs(g).max(), 1e-3);  // the weighted score vanishes at the weighted MLE
  EXPECT_NEAR(expert.Nu(), 4.0, 2.0);
  EXPECT_NEAR(expert.Coefficients()[1], 2.0, 0.2);
}

TEST(StudentTExpert, FixedNuStaysFixed) {
  TData f;
  StudentTExpert expert(2, 7.0, false);
  expert.FitWeighted(f.View(), arma::ones(f.y.n_rows));
  EXPECT_EQ(expert.Nu(), 7.0);
  EXPECT_EQ(expert.NumParameters(), 3u);
  EXPECT_EQ(expert.Spec().ToString(), "t(nu = 7)");
  EXPECT_EQ(MakeExpert("t", 2)->Spec().ToString(), "t(nu = estimate)");
}

TEST(StudentTExpert, BadOptionsAndBlocksAreInputErrors) {
  EXPECT_THROW(MakeExpert("t(nu = -1)", 2), InputError);
  EXPECT_THROW(MakeExpert("t(nu = lots)", 2), InputError);
  EXPECT_THROW(MakeExpert("t(df = 3)", 2), InputError);
  StudentTExpert expert(2, 4.0, true);
  EXPECT_THROW(expert.SetBlocks({{"coefficients", Column({1, 2})}, {"sigma", Scalar(1)}}), InputError);
  EXPECT_THROW(expert.SetBlocks({{"coefficients", Column({1, 2})}, {"sigma", Scalar(1)}, {"nu", Scalar(0)}}),
               InputError);
}

Model MakeTModel(double nu1, double nu2) {
  Model model = Model::Make("t", "softmax", 2, 2, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat({{0.0, 0.5}, {0.0, 4.0}})}});
  model.expert(0).SetBlocks({{"coefficients", Column({1.0, 2.0})}, {"sigma", Scalar(0.3)}, {"nu", Scalar(nu1)}});
  model.expert(1).SetBlocks({{"coefficients", Column({-1.0, -1.5})}, {"sigma", Scalar(0.5)}, {"nu", Scalar(nu2)}});
  return model;
}

TEST(StudentTExpert, FitRecoversATwoExpertModelWithMonotoneTrace) {
  const Model truth = MakeTModel(4.0, 8.0);
  const auto sim = test::SimulateLinear(truth, 5000, 101);
  FitOptions options;
  options.seed = 1;
  options.starts = 2;
  test::RecordingObserver recorder;
  const FitResult fit = Fit(truth, sim.View(), options, recorder);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  EXPECT_GE(fit.stats.logLikelihood, truth.LogLikelihood(sim.View()));
  for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  const arma::uvec to = test::OrderByIntercept(truth), fo = test::OrderByIntercept(fit.model);
  // Complete-data errors with about 2500 rows per expert: coefficients ~0.01-0.03, sigma ~0.01,
  // nu ~0.4 (nu = 4) to ~1.5 (nu = 8); the tolerances allow several of them.
  for (arma::uword j = 0; j < 2; ++j) {
    const ParameterBlocks tb = truth.expert(to[j]).Blocks(), fb = fit.model.expert(fo[j]).Blocks();
    EXPECT_NEAR(fb[0].value(0), tb[0].value(0), 0.06) << "expert " << j;
    EXPECT_NEAR(fb[0].value(1), tb[0].value(1), 0.12) << "expert " << j;
    EXPECT_NEAR(fb[1].value(0), tb[1].value(0), 0.05) << "expert " << j;
    EXPECT_NEAR(fb[2].value(0), tb[2].value(0), 0.5 * tb[2].value(0)) << "expert " << j;
  }
}

TEST(StudentTExpert, OutliersMoveTheGaussianFitButNotTheTFit) {
  // One expert (K = 1) keeps the comparison free of label switching: a clean line, then 3% gross
  // outliers. The Gaussian slope moves by far more than its standard error; the t slope does not.
  Rng rng(7);
  const arma::uword n = 3000;
  arma::mat x(n, 2), y(n, 1);
  x.col(0).ones();
  for (arma::uword i = 0; i < n; ++i) {
    x(i, 1) = rng.Uniform();
    y(i, 0) = 1.0 + 2.0 * x(i, 1) + 0.3 * rng.Normal();
  }
  arma::mat dirty = y;
  for (arma::uword i = 0; i < n; i += 33) dirty(i, 0) += 15.0 * x(i, 1) + 5.0;
  auto slope = [&](const std::string& family, const arma::mat& response) {
    // One expert: its M-step with unit weights, repeated to convergence, is the maximum-likelihood fit.
    const auto expert = MakeExpert(family, 2);
    const Data data(response, x, x);
    for (int step = 0; step < 200; ++step) expert->FitWeighted(data, arma::ones(n));
    return expert->Blocks()[0].value(1);
  };
  const double se = 0.3 / std::sqrt(n / 12.0);  // slope SE on U(0, 1): about 0.019
  EXPECT_LT(std::abs(slope("t", dirty) - slope("t", y)), 4 * se);
  EXPECT_GT(std::abs(slope("gaussian", dirty) - slope("gaussian", y)), 10 * se);
}

}  // namespace
}  // namespace moest
