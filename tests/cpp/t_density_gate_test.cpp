#include <gtest/gtest.h>

#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>

#include "density_gate_support.hpp"

namespace moest {
namespace {

using test::Scalar;

arma::mat RandomCovariates(arma::uword n, Rng& rng) {
  arma::mat x(n, 3);
  x.col(0).ones();
  for (arma::uword i = 0; i < n; ++i) {
    x(i, 1) = 1.5 * rng.Normal();
    x(i, 2) = rng.Normal() - 0.5;
  }
  return x;
}

void Randomise(Gate& gate, Rng& rng) {
  arma::vec theta(gate.NumParameters());
  for (auto& v : theta) v = 0.4 * rng.Normal();
  gate.Unpack(theta);
}

TEST(TDensityGate, GradientsMatchFiniteDifferencesInEveryNuMode) {
  Rng rng(21);
  const arma::mat x = RandomCovariates(60, rng);
  const Data data(x, x, x);
  const arma::mat c = test::RandomWeights(60, 3, rng);
  for (const char* spec : {"t_density", "t_density(nu_shared = true)", "t_density(nu = 3.5)"}) {
    SCOPED_TRACE(spec);
    std::unique_ptr<Gate> gate = MakeGate(spec, 3, 3);
    Randomise(*gate, rng);
    test::ExpectGradientsMatch(dynamic_cast<const DensityGate&>(*gate), data, c);
    test::ExpectRoundTrips(dynamic_cast<const DensityGate&>(*gate), data);
  }
  EXPECT_EQ(MakeGate("t_density", 3, 3)->NumParameters(), 2u + 6u + 9u + 3u);
  EXPECT_EQ(MakeGate("t_density(nu_shared = true)", 3, 3)->NumParameters(), 2u + 6u + 9u + 1u);
  EXPECT_EQ(MakeGate("t_density(nu = 4)", 3, 3)->NumParameters(), 2u + 6u + 9u);
}

TEST(TDensityGate, LargeNuApproachesTheGaussianDensity) {
  Rng rng(22);
  const arma::mat x = RandomCovariates(30, rng);
  const Data data(x, x, x);
  TDensityGate t(3, 2, TDensityGate::Nu::Fixed, 1e7);
  GaussianDensityGate gaussian(3, 2, false);
  const arma::mat mean{{0.3, -1.0}, {0.0, 0.5}};
  const arma::mat S1{{1.0, 0.3}, {0.3, 0.8}}, S2{{2.0, -0.5}, {-0.5, 1.0}};
  const arma::mat pi{{0.3, 0.7}};
  t.SetBlocks({{"pi", pi}, {"location", mean}, {"scatter.1", S1}, {"scatter.2", S2}, {"nu", arma::mat{{1e7, 1e7}}}});
  gaussian.SetBlocks({{"pi", pi}, {"mean", mean}, {"covariance.1", S1}, {"covariance.2", S2}});
  arma::mat a, b;
  t.LogJointWeights(data, a);
  gaussian.LogJointWeights(data, b);
  EXPECT_LT(arma::abs(a - b).max(), 1e-5);
}

TEST(TDensityGate, EcmStepsNeverDecreaseTheGateObjective) {
  Rng rng(23);
  const arma::mat x = RandomCovariates(400, rng);
  const Data data(x, x, x);
  arma::mat r = test::RandomWeights(400, 2, rng);
  r.each_col() /= arma::sum(r, 1);
  for (const char* spec : {"t_density", "t_density(nu_shared = true)", "t_density(nu = 2)"}) {
    std::unique_ptr<Gate> gate = MakeGate(spec, 3, 2);
    arma::mat logJoint;
    gate->LogJointWeights(data, logJoint);
    double previous = arma::accu(r % logJoint);
    for (int step = 0; step < 20; ++step) {
      gate->FitResponsibilities(data, r);
      gate->LogJointWeights(data, logJoint);
      const double current = arma::accu(r % logJoint);
      EXPECT_GE(current, previous - 1e-9 * std::abs(previous)) << spec << " step " << step;
      previous = current;
    }
  }
}

// The complete-data Fisher information of nu for a p-variate t with known location and scatter.
double NuInformation(double nu, double p) {
  return 0.25 * (boost::math::trigamma(nu / 2) - boost::math::trigamma((nu + p) / 2)) -
         p * (nu + p + 4) / (2 * nu * (nu + p) * (nu + p + 2));
}

TEST(TDensityGate, RecoversTheTruthWithDegreesOfFreedomPerComponent) {
  const arma::rowvec pi{0.5, 0.5};
  const arma::mat location{{-3.0, 3.0}, {0.0, 1.0}};
  const arma::cube scatter = arma::join_slices(arma::mat{{1.0, 0.4}, {0.4, 1.0}}, arma::mat{{1.5, -0.3}, {-0.3, 0.7}});
  const std::vector<int> nu{4, 9};  // integers: chi-square draws as sums of squared normals
  const arma::mat beta{{0.5, -1.0}, {1.0, -0.5}, {-1.0, 2.0}};
  Model truth = Model::Make("gaussian", "t_density", 3, 3, 2);
  truth.gate().SetBlocks({{"pi", arma::mat(pi)}, {"location", location}, {"scatter.1", scatter.slice(0)},
                          {"scatter.2", scatter.slice(1)}, {"nu", arma::mat{{4.0, 9.0}}}});
  for (arma::uword k = 0; k < 2; ++k) truth.expert(k).SetBlocks({{"coefficients", beta.col(k)}, {"sigma", Scalar(0.4)}});
  const arma::uword n = 12000;
  const auto sim = test::SimulateJoint(truth, n, 303, [&](arma::uword k, Rng& rng) {
    double chi = 0.0;
    for (int j = 0; j < nu[k]; ++j) chi += std::pow(rng.Normal(), 2);
    const arma::mat L = arma::chol(scatter.slice(k), "lower");
    return arma::rowvec(location.col(k).t() + test::NormalRow(2, rng) * L.t() / std::sqrt(chi / nu[k]));
  });
  const FitResult fit = test::FitJoint(truth, sim, 2, 9);

  const auto& gate = dynamic_cast<const TDensityGate&>(fit.model.gate());
  const arma::uvec order = arma::sort_index(gate.Locations().row(0).t());
  const double p = 2.0;
  for (arma::uword k = 0; k < 2; ++k) {
    const arma::uword f = order[k];
    const double nk = n * pi[k];
    // Tolerances: 5 complete-data standard errors; for the location, the t information
    // (nu + p) / (nu + p + 2) S^-1, for the scatter the Gaussian one inflated by the same factor.
    const double inflation = (nu[k] + p + 2) / (nu[k] + p);
    EXPECT_NEAR(gate.Pi()[f], pi[k], 5.0 * std::sqrt(0.25 / n));
    const arma::mat& S = scatter.slice(k);
    const arma::mat fitted = gate.Scatter(f);
    for (arma::uword a = 0; a < 2; ++a) {
      EXPECT_NEAR(gate.Locations()(a, f), location(a, k), 5.0 * std::sqrt(inflation * S(a, a) / nk));
      for (arma::uword b = 0; b < 2; ++b) {
        EXPECT_NEAR(fitted(a, b), S(a, b), 5.0 * std::sqrt(inflation * (S(a, a) * S(b, b) + S(a, b) * S(a, b)) / nk));
      }
    }
    const double nuSe = 1.0 / std::sqrt(nk * NuInformation(nu[k], p));
    EXPECT_NEAR(gate.DegreesOfFreedom()[f], nu[k], 5.0 * nuSe) << "nu of component " << k << ", se " << nuSe;
  }
}

TEST(TDensityGate, BadInputIsExplained) {
  EXPECT_THROW(MakeGate("t_density(nu = 0)", 3, 2), InputError);
  EXPECT_THROW(MakeGate("t_density(nu = -1.5)", 3, 2), InputError);
  EXPECT_THROW(MakeGate("t_density(nu = lots)", 3, 2), InputError);
  EXPECT_THROW(MakeGate("t_density(nu_shared = maybe)", 3, 2), InputError);
  EXPECT_THROW(MakeGate("t_density", 1, 2), InputError);  // intercept-only gate design
  TDensityGate gate(3, 2, TDensityGate::Nu::PerComponent, 10.0);
  EXPECT_THROW(gate.SetBlocks({{"pi", arma::mat{{0.5, 0.5}}}, {"location", arma::mat(2, 2, arma::fill::zeros)},
                               {"scatter.1", arma::mat(arma::eye(2, 2))}, {"scatter.2", arma::mat(arma::eye(2, 2))},
                               {"nu", arma::mat{{3.0, 0.0}}}}),
               InputError);
  // A constant covariate: the gate says so, and so does a fit.
  Rng rng(24);
  arma::mat x = RandomCovariates(100, rng);
  x.col(1).fill(2.0);
  const arma::mat r = test::RandomWeights(100, 2, rng);
  try {
    gate.FitResponsibilities(Data(x, x, x), r);
    FAIL() << "a constant covariate was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("constant"), std::string::npos) << error.what();
  }
  arma::mat y(100, 1);
  for (auto& v : y) v = rng.Normal();
  const Model model = Model::Make("gaussian", "t_density", 3, 3, 2);
  SilentObserver silent;
  EXPECT_THROW(Fit(model, Data(y, x, x), FitOptions(), silent), InputError);
}

}  // namespace
}  // namespace moest
