#include <gtest/gtest.h>

#include <cmath>

#include "density_gate_support.hpp"

namespace moest {
namespace {

using test::Scalar;

double LaplaceDraw(double location, double scale, Rng& rng) {
  const double e = -std::log(rng.Uniform());
  return location + (rng.Uniform() < 0.5 ? -e : e) * scale;
}

TEST(WeightedMedian, MinimisesTheWeightedAbsoluteDeviation) {
  EXPECT_EQ(WeightedMedian(arma::vec{3, 1, 2}, arma::vec{1, 1, 1}), 2.0);
  EXPECT_EQ(WeightedMedian(arma::vec{3, 1, 2}, arma::vec{1, 5, 1}), 1.0);
  EXPECT_EQ(WeightedMedian(arma::vec{1, 2, 3, 4}, arma::vec{1, 1, 1, 1}), 2.5);
  EXPECT_EQ(WeightedMedian(arma::vec{1, 2, 3, 4}, arma::vec{1, 1, 0, 2}), 3.0);  // zero weights skipped
  Rng rng(31);
  arma::vec v(101), w(101);
  for (arma::uword i = 0; i < v.n_elem; ++i) {
    v[i] = rng.Normal();
    w[i] = rng.Uniform();
  }
  const double m = WeightedMedian(v, w);
  auto loss = [&](double c) { return arma::dot(w, arma::abs(v - c)); };
  for (double delta : {-1e-3, 1e-3, -0.1, 0.1}) EXPECT_LE(loss(m), loss(m + delta));
}

TEST(LaplaceDensityGate, GradientsMatchFiniteDifferences) {
  Rng rng(32);
  arma::mat x(60, 3);
  x.col(0).ones();
  for (arma::uword i = 0; i < 60; ++i) {
    x(i, 1) = rng.Normal();
    x(i, 2) = 2.0 * rng.Uniform();
  }
  const Data data(x, x, x);
  LaplaceDensityGate gate(3, 3);
  arma::vec theta(gate.NumParameters());
  for (auto& v : theta) v = 0.5 * rng.Normal();
  gate.Unpack(theta);
  EXPECT_EQ(gate.NumParameters(), 2u + 6u + 6u);
  test::ExpectGradientsMatch(gate, data, test::RandomWeights(60, 3, rng));
  test::ExpectRoundTrips(gate, data);
}

TEST(LaplaceDensityGate, MStepMaximisesTheWeightedObjective) {
  Rng rng(33);
  arma::mat x(301, 3);
  x.col(0).ones();
  for (arma::uword i = 0; i < x.n_rows; ++i) {
    x(i, 1) = LaplaceDraw(1.0, 2.0, rng);
    x(i, 2) = rng.Normal();
  }
  const Data data(x, x, x);
  arma::mat r = test::RandomWeights(x.n_rows, 2, rng);
  r.each_col() /= arma::sum(r, 1);
  LaplaceDensityGate gate(3, 2);
  const StepReport report = gate.FitResponsibilities(data, r);
  EXPECT_FALSE(report.varianceFloorBound);
  auto objective = [&](const Gate& g) {
    arma::mat logJoint;
    g.LogJointWeights(data, logJoint);
    return arma::accu(r % logJoint);
  };
  const double best = objective(gate);
  const arma::vec theta = gate.Pack();
  for (arma::uword j = 0; j < theta.n_elem; ++j) {
    for (double delta : {-1e-3, 1e-3}) {
      LaplaceDensityGate moved(gate);
      arma::vec t = theta;
      t[j] += delta;
      moved.Unpack(t);
      EXPECT_LE(objective(moved), best + 1e-12) << "coordinate " << j;
    }
  }
}

TEST(LaplaceDensityGate, RecoversTheTruth) {
  const arma::rowvec pi{0.3, 0.7};
  const arma::mat location{{-2.5, 2.0}, {1.0, -1.0}};
  const arma::mat scale{{0.8, 1.0}, {0.5, 1.5}};
  const arma::mat beta{{1.0, -2.0}, {1.0, 0.0}, {0.0, 1.0}};
  Model truth = Model::Make("gaussian", "laplace_density", 3, 3, 2);
  truth.gate().SetBlocks({{"pi", arma::mat(pi)}, {"location", location}, {"scale", scale}});
  for (arma::uword k = 0; k < 2; ++k) truth.expert(k).SetBlocks({{"coefficients", beta.col(k)}, {"sigma", Scalar(0.3)}});
  const arma::uword n = 10000;
  const auto sim = test::SimulateJoint(truth, n, 404, [&](arma::uword k, Rng& rng) {
    return arma::rowvec{LaplaceDraw(location(0, k), scale(0, k), rng), LaplaceDraw(location(1, k), scale(1, k), rng)};
  });
  const FitResult fit = test::FitJoint(truth, sim, 3, 4);
  const auto& gate = dynamic_cast<const LaplaceDensityGate&>(fit.model.gate());
  const arma::uvec order = arma::sort_index(gate.Locations().row(0).t());
  for (arma::uword k = 0; k < 2; ++k) {
    const arma::uword f = order[k];
    const double nk = n * pi[k];
    EXPECT_NEAR(gate.Pi()[f], pi[k], 5.0 * std::sqrt(pi[k] * (1 - pi[k]) / n));
    for (arma::uword j = 0; j < 2; ++j) {
      // The Laplace location and scale both have complete-data standard error b / sqrt(n_k).
      const double se = scale(j, k) / std::sqrt(nk);
      EXPECT_NEAR(gate.Locations()(j, f), location(j, k), 5.0 * se);
      EXPECT_NEAR(gate.Scales()(j, f), scale(j, k), 5.0 * se);
    }
  }
}

TEST(LaplaceDensityGate, BadInputIsExplained) {
  EXPECT_THROW(MakeGate("laplace_density", 1, 2), InputError);
  EXPECT_THROW(MakeGate("laplace_density(scale = 1)", 2, 2), InputError);
  LaplaceDensityGate gate(2, 2);
  EXPECT_THROW(gate.SetBlocks({{"pi", arma::mat{{0.5, 0.5}}}, {"location", arma::mat{{0.0, 1.0}}},
                               {"scale", arma::mat{{1.0, -1.0}}}}),
               InputError);
}

}  // namespace
}  // namespace moest
