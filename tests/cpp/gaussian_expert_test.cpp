#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

using test::Column;
using test::Scalar;

struct Fixture {
  arma::mat x, y;
  Fixture() {
    Rng rng(11);
    const arma::uword n = 200;
    x.set_size(n, 2);
    y.set_size(n, 1);
    for (arma::uword i = 0; i < n; ++i) {
      x(i, 0) = 1.0;
      x(i, 1) = rng.Uniform();
      y(i, 0) = 1.0 + 2.0 * x(i, 1) + 0.5 * rng.Normal();
    }
  }
  Data View() const { return Data(y, x, x); }
};

TEST(GaussianExpert, LogDensityMatchesTheNormalFormula) {
  Fixture f;
  GaussianExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.5, -1.0})}, {"sigma", Scalar(0.7)}});
  arma::vec out;
  expert.LogDensity(f.View(), out);
  for (arma::uword i = 0; i < 5; ++i) {
    const double mu = 0.5 - f.x(i, 1);
    const double z = (f.y(i, 0) - mu) / 0.7;
    EXPECT_NEAR(out[i], -0.5 * std::log(2 * M_PI) - std::log(0.7) - 0.5 * z * z, 1e-12);
  }
}

TEST(GaussianExpert, WeightedFitIsWeightedLeastSquares) {
  Fixture f;
  arma::vec w = test::UniformWeights(f.y.n_rows, 2);
  GaussianExpert expert(2);
  const StepReport report = expert.FitWeighted(f.View(), w);
  EXPECT_FALSE(report.singular);
  EXPECT_FALSE(report.varianceFloorBound);
  const arma::mat W = arma::diagmat(w);
  const arma::vec beta = arma::solve(f.x.t() * W * f.x, f.x.t() * W * f.y);
  const arma::vec resid = f.y - f.x * beta;
  EXPECT_LT(arma::abs(expert.Coefficients() - beta).max(), 1e-10);
  EXPECT_NEAR(expert.Sigma(), std::sqrt(arma::dot(w, resid % resid) / arma::accu(w)), 1e-12);
}

TEST(GaussianExpert, GradientMatchesFiniteDifferences) {
  Fixture f;
  GaussianExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.3, 1.7})}, {"sigma", Scalar(0.8)}});
  Rng rng(4);
  arma::vec c(f.y.n_rows);
  for (auto& v : c) v = rng.Uniform();
  arma::vec analytic;
  expert.GradLogDensity(f.View(), c, analytic);
  const arma::vec theta = expert.Pack();
  auto objective = [&](const arma::vec& t) {
    GaussianExpert e(expert);
    e.Unpack(t);
    arma::vec ld;
    e.LogDensity(f.View(), ld);
    return arma::dot(c, ld);
  };
  const arma::vec numeric = test::NumericGradient(objective, theta);
  EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-5 * (1.0 + arma::abs(numeric).max()));
}

TEST(GaussianExpert, PackUnpackRoundTrips) {
  GaussianExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.3, 1.7})}, {"sigma", Scalar(0.8)}});
  GaussianExpert other(2);
  other.Unpack(expert.Pack());
  EXPECT_NEAR(other.Sigma(), 0.8, 1e-15);
  EXPECT_EQ(other.Coefficients()[1], 1.7);
}

TEST(GaussianExpert, VarianceFloorBindsAndIsReported) {
  arma::mat x = arma::join_rows(arma::ones(10), arma::regspace(0, 9));
  arma::mat y = 2.0 + 3.0 * x.col(1);  // an exact line: residual variance zero
  GaussianExpert expert(2);
  expert.SetVarianceFloor(1e-4);
  const StepReport report = expert.FitWeighted(Data(y, x, x), arma::ones(10));
  EXPECT_TRUE(report.varianceFloorBound);
  EXPECT_NEAR(expert.Sigma(), 1e-2, 1e-12);
}

TEST(GaussianExpert, SingularWeightedDesignIsReportedAndParametersKept) {
  Fixture f;
  GaussianExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.3, 1.7})}, {"sigma", Scalar(0.8)}});
  arma::vec w(f.y.n_rows, arma::fill::zeros);
  w[3] = 1.0;  // one row cannot determine two coefficients
  const StepReport report = expert.FitWeighted(f.View(), w);
  EXPECT_TRUE(report.singular);
  EXPECT_EQ(expert.Coefficients()[1], 1.7);
  const StepReport empty = expert.FitWeighted(f.View(), arma::vec(f.y.n_rows, arma::fill::zeros));
  EXPECT_TRUE(empty.singular);
}

TEST(GaussianExpert, SetBlocksRejectsBadShapesAndValues) {
  GaussianExpert expert(2);
  EXPECT_THROW(expert.SetBlocks({{"coefficients", Column({1, 2, 3})}, {"sigma", Scalar(1)}}), InputError);
  EXPECT_THROW(expert.SetBlocks({{"coefficients", Column({1, 2})}, {"sigma", Scalar(-1)}}), InputError);
  EXPECT_THROW(expert.SetBlocks({{"coefficients", Column({1, 2})}}), InputError);
}

}  // namespace
}  // namespace moest
