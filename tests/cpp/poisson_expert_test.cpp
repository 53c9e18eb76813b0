#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

using test::Column;

struct CountData {
  arma::mat x, y;
  explicit CountData(arma::uword n = 400, std::uint64_t seed = 5) {
    PoissonExpert truth(2);
    truth.SetBlocks({{"coefficients", Column({1.0, 0.8})}});
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

TEST(PoissonExpert, LogDensityMatchesThePoissonFormula) {
  CountData f;
  PoissonExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.5, -1.0})}});
  arma::vec out;
  expert.LogDensity(f.View(), out);
  for (arma::uword i = 0; i < 5; ++i) {
    const double mu = std::exp(0.5 - f.x(i, 1));
    EXPECT_NEAR(out[i], f.y(i, 0) * std::log(mu) - mu - std::lgamma(f.y(i, 0) + 1.0), 1e-12);
  }
}

TEST(PoissonExpert, GradientMatchesFiniteDifferences) {
  CountData f;
  PoissonExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.3, 0.7})}});
  Rng rng(4);
  arma::vec c(f.y.n_rows);
  for (auto& v : c) v = rng.Uniform();
  arma::vec analytic;
  expert.GradLogDensity(f.View(), c, analytic);
  auto objective = [&](const arma::vec& t) {
    PoissonExpert e(expert);
    e.Unpack(t);
    arma::vec ld;
    e.LogDensity(f.View(), ld);
    return arma::dot(c, ld);
  };
  const arma::vec numeric = test::NumericGradient(objective, expert.Pack());
  EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-5 * (1.0 + arma::abs(numeric).max()));
}

TEST(PoissonExpert, WeightedFitSolvesTheWeightedScoreEquations) {
  CountData f;
  arma::vec w = test::UniformWeights(f.y.n_rows, 2);
  PoissonExpert expert(2);
  const StepReport report = expert.FitWeighted(f.View(), w);
  EXPECT_FALSE(report.singular);
  EXPECT_FALSE(report.innerCapHit);
  arma::vec g;
  expert.GradLogDensity(f.View(), w, g);
  EXPECT_LT(arma::abs(g).max(), 1e-7);
  // From a poor start the weighted log-likelihood still rises.
  PoissonExpert far(2);
  far.SetBlocks({{"coefficients", Column({4.0, -3.0})}});
  EXPECT_FALSE(far.FitWeighted(f.View(), w).singular);
  EXPECT_LT(arma::abs(far.Coefficients() - expert.Coefficients()).max(), 1e-7);
}

TEST(PoissonExpert, BadCountsAreInputErrorsNamingTheRow) {
  CountData f(50);
  arma::mat y = f.y;
  y(6, 0) = -1.0;
  FitOptions options;
  SilentObserver silent;
  const Model model = Model::Make("poisson", "softmax", 2, 2, 2);
  try {
    Fit(model, Data(y, f.x, f.x), options, silent);
    FAIL() << "no error for a negative count";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("row 7"), std::string::npos) << e.what();
  }
  y(6, 0) = 2.5;
  EXPECT_THROW(Fit(model, Data(y, f.x, f.x), options, silent), InputError);
  EXPECT_THROW(MakeExpert("poisson(offset = 1)", 2), InputError);
}

TEST(PoissonExpert, FitRecoversATwoExpertModelWithMonotoneTrace) {
  Model truth = Model::Make("poisson", "softmax", 2, 2, 2);
  truth.gate().SetBlocks({{"coefficients", arma::mat({{0.0, 0.3}, {0.0, 3.0}})}});
  truth.expert(0).SetBlocks({{"coefficients", Column({0.5, 1.5})}});
  truth.expert(1).SetBlocks({{"coefficients", Column({2.5, -1.0})}});
  const auto sim = test::SimulateLinear(truth, 10000, 31);
  FitOptions options;
  options.seed = 1;
  options.starts = 3;
  test::RecordingObserver recorder;
  const FitResult fit = Fit(truth, sim.View(), options, recorder);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  EXPECT_GE(fit.stats.logLikelihood, truth.LogLikelihood(sim.View()));
  for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  // Complete-data errors at the truth: (X' diag(g_k mu_k) X)^-1; allow 6 of them.
  const arma::mat g = PredictGate(truth, sim.View());
  const arma::mat mu = PredictExpertMeans(truth, sim.View());
  const arma::uvec to = test::OrderByIntercept(truth), fo = test::OrderByIntercept(fit.model);
  for (arma::uword j = 0; j < 2; ++j) {
    const arma::vec weight = g.col(to[j]) % mu.col(to[j]);
    const arma::vec se = arma::sqrt(arma::diagvec(arma::inv_sympd(sim.x.t() * (sim.x.each_col() % weight))));
    const arma::mat tb = truth.expert(to[j]).Blocks()[0].value, fb = fit.model.expert(fo[j]).Blocks()[0].value;
    for (int p = 0; p < 2; ++p) EXPECT_NEAR(fb(p), tb(p), 6 * se[p]) << "expert " << j << " coefficient " << p;
  }
}

TEST(PoissonExpert, SamplesHaveThePoissonMeanAndVariance) {
  for (double mean : {0.7, 4.0, 35.0}) {
    Rng rng(3);
    arma::vec draws(20000);
    for (auto& v : draws) v = sampling::Poisson(rng, mean);
    EXPECT_NEAR(arma::mean(draws), mean, 5 * std::sqrt(mean / 20000.0));
    EXPECT_NEAR(arma::var(draws), mean, 0.06 * mean);
  }
}

}  // namespace
}  // namespace moest
