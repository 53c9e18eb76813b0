#include <gtest/gtest.h>

#include <cmath>

#include "density_gate_support.hpp"
#include "moest/model/packing.hpp"

namespace moest {
namespace {

using test::Column;
using test::Scalar;

arma::mat RandomCovariates(arma::uword n, arma::uword q, Rng& rng) {
  arma::mat x(n, q + 1);
  x.col(0).ones();
  for (arma::uword i = 0; i < n; ++i) {
    for (arma::uword j = 1; j <= q; ++j) x(i, j) = 2.0 * rng.Normal() + 0.5 * j;
  }
  return x;
}

// Two components on two covariates, with Gaussian experts on [1, x1, x2].
struct Truth {
  arma::rowvec pi{0.4, 0.6};
  arma::mat mean{{-2.0, 2.0}, {0.0, 1.0}};
  arma::cube covariance = arma::join_slices(arma::mat{{1.0, 0.5}, {0.5, 1.0}}, arma::mat{{0.5, -0.2}, {-0.2, 2.0}});
  arma::mat beta{{1.0, -1.0}, {2.0, 0.5}, {-1.0, 1.0}};
  arma::rowvec sigma{0.5, 0.3};

  Model Make(const std::string& gate = "gaussian_density") const {
    Model model = Model::Make("gaussian", gate, 3, 3, 2);
    model.gate().SetBlocks({{"pi", pi}, {"mean", mean}, {"covariance.1", covariance.slice(0)},
                            {"covariance.2", covariance.slice(1)}});
    for (arma::uword k = 0; k < 2; ++k) {
      model.expert(k).SetBlocks({{"coefficients", beta.col(k)}, {"sigma", Scalar(sigma[k])}});
    }
    return model;
  }
  test::SimulatedData Simulate(const Model& model, arma::uword n, std::uint64_t seed) const {
    const arma::cube factor = Factors();
    return test::SimulateJoint(model, n, seed, [&](arma::uword k, Rng& rng) {
      return arma::rowvec(mean.col(k).t() + test::NormalRow(2, rng) * factor.slice(k).t());
    });
  }
  arma::cube Factors() const {
    arma::cube factor(2, 2, 2);
    for (arma::uword k = 0; k < 2; ++k) factor.slice(k) = arma::chol(covariance.slice(k), "lower");
    return factor;
  }
};

TEST(GaussianDensityGate, GradientsMatchFiniteDifferences) {
  Rng rng(11);
  const arma::mat x = RandomCovariates(60, 2, rng);
  const Data data(x, x, x);
  const arma::mat c = test::RandomWeights(60, 3, rng);
  for (bool diagonal : {false, true}) {
    GaussianDensityGate gate(3, 3, diagonal);
    arma::vec theta(gate.NumParameters());
    for (auto& v : theta) v = 0.5 * rng.Normal();
    gate.Unpack(theta);
    test::ExpectGradientsMatch(gate, data, c);
    test::ExpectRoundTrips(gate, data);
  }
}

// The likelihood of a joint gate is joint, so its gradient must use d log(pi_k h_k), not the
// normalised weights: the whole model's analytic gradient equals the differences of LogLikelihood,
// it vanishes at a converged EM fit, and the observed information there is positive definite.
TEST(GaussianDensityGate, LogLikelihoodGradientIsTheJointOnesAndVanishesAtTheEmFit) {
  const Truth truth;
  const Model model = truth.Make();
  const auto sim = truth.Simulate(model, 400, 77);
  const Data data = sim.View();
  arma::vec analytic;
  LogLikelihoodGradient(model, data, analytic);
  Model probe = model;
  const arma::vec numeric = test::NumericGradient(
      [&](const arma::vec& theta) {
        UnpackModel(probe, theta);
        return probe.LogLikelihood(data);
      },
      PackModel(model));
  EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-4 * std::max(1.0, arma::abs(numeric).max()));

  const auto big = truth.Simulate(model, 4000, 78);
  FitOptions options;
  options.starts = 2;
  options.em.tolerance = 1e-12;
  SilentObserver silent;
  const FitResult fit = Fit(model, big.View(), options, silent);
  EXPECT_LT(fit.stats.gradientNorm, 1e-5);
  EXPECT_TRUE(fit.stats.standardErrors.positiveDefinite) << fit.stats.standardErrors.message;
}

TEST(GaussianDensityGate, CountsParametersAndNormalisesWeights) {
  EXPECT_EQ(GaussianDensityGate(3, 3, false).NumParameters(), 2u + 6u + 9u);  // (K-1) + Kq' + Kq'(q'+1)/2
  EXPECT_EQ(GaussianDensityGate(3, 3, true).NumParameters(), 2u + 6u + 6u);
  EXPECT_EQ(MakeGate("gaussian_density(covariance = diagonal)", 4, 2)->NumParameters(), 1u + 6u + 6u);
  Rng rng(12);
  const arma::mat x = RandomCovariates(40, 2, rng);
  const Truth truth;
  const Model model = truth.Make();
  arma::mat logG, logJoint;
  model.gate().LogWeights(Data(x, x, x), logG);
  model.gate().LogJointWeights(Data(x, x, x), logJoint);
  EXPECT_LT(arma::abs(arma::sum(arma::exp(logG), 1) - 1.0).max(), 1e-12);
  // Row 3 by hand: pi_k N(x; m_k, S_k).
  const arma::vec xi = x.row(3).tail(2).t();
  for (arma::uword k = 0; k < 2; ++k) {
    const arma::vec d = xi - truth.mean.col(k);
    const arma::mat& S = truth.covariance.slice(k);
    const double expected = std::log(truth.pi[k]) - std::log(2.0 * arma::datum::pi) - 0.5 * std::log(arma::det(S)) -
                            0.5 * arma::as_scalar(d.t() * arma::solve(S, d));
    EXPECT_NEAR(logJoint(3, k), expected, 1e-12);
  }
}

TEST(GaussianDensityGate, MStepIsTheWeightedMaximum) {
  Rng rng(13);
  const arma::mat x = RandomCovariates(500, 2, rng);
  const Data data(x, x, x);
  arma::mat r = test::RandomWeights(500, 3, rng);
  r.each_col() /= arma::sum(r, 1);
  for (bool diagonal : {false, true}) {
    GaussianDensityGate gate(3, 3, diagonal);
    arma::mat before, after;
    gate.LogJointWeights(data, before);
    const StepReport report = gate.FitResponsibilities(data, r);
    EXPECT_FALSE(report.varianceFloorBound);
    gate.LogJointWeights(data, after);
    EXPECT_GE(arma::accu(r % after), arma::accu(r % before));
    arma::vec gradient;
    gate.GradLogJointWeights(data, r, gradient);
    EXPECT_LT(arma::abs(gradient).max(), 1e-8);  // stationary: the closed form maximised Q
  }
}

TEST(GaussianDensityGate, RecoversTheTruthOnTheJointLikelihood) {
  const Truth truth;
  const Model model = truth.Make();
  const arma::uword n = 10000;
  const auto sim = truth.Simulate(model, n, 101);
  const FitResult fit = test::FitJoint(model, sim, 3, 5);
  EXPECT_GT(fit.stats.conditionalLogLikelihood, fit.stats.logLikelihood);  // log p(x) < 0 here

  const auto& gate = dynamic_cast<const GaussianDensityGate&>(fit.model.gate());
  const arma::uvec order = arma::sort_index(gate.Means().row(0).t());
  // Tolerances: 5 complete-data standard errors (the components are well separated in (x, y)).
  for (arma::uword k = 0; k < 2; ++k) {
    const arma::uword f = order[k];
    const double nk = n * truth.pi[k];
    EXPECT_NEAR(gate.Pi()[f], truth.pi[k], 5.0 * std::sqrt(truth.pi[k] * (1 - truth.pi[k]) / n));
    const arma::mat& S = truth.covariance.slice(k);
    const arma::mat fitted = gate.Covariance(f);
    for (arma::uword a = 0; a < 2; ++a) {
      EXPECT_NEAR(gate.Means()(a, f), truth.mean(a, k), 5.0 * std::sqrt(S(a, a) / nk));
      for (arma::uword b = 0; b < 2; ++b) {
        EXPECT_NEAR(fitted(a, b), S(a, b), 5.0 * std::sqrt((S(a, a) * S(b, b) + S(a, b) * S(a, b)) / nk))
            << "component " << k << " entry " << a << b;
      }
    }
    // Expert coefficients: 5 complete-data standard errors, sigma sqrt(diag((X_k'X_k)^-1)).
    const arma::mat xk = sim.x.rows(arma::find(sim.component == k));
    const arma::vec se = truth.sigma[k] * arma::sqrt(arma::diagvec(arma::inv_sympd(xk.t() * xk)));
    const arma::mat beta = fit.model.expert(f).Blocks()[0].value;
    for (arma::uword p = 0; p < 3; ++p) EXPECT_NEAR(beta(p), truth.beta(p, k), 5.0 * se[p]) << "expert " << k;
  }
}

TEST(GaussianDensityGate, EqualsAGaussianMixtureOnTheJointAtTheMappedParameters) {
  // p(x, y) = sum_k pi_k N(x; m_k, S_k) N(y; b0 + b'x, s^2) is the mixture of N((m, b0 + b'm),
  // [[S, S b], [b'S, b'S b + s^2]]): Armadillo's gmm_full evaluates it independently.
  const Truth truth;
  const Model model = truth.Make();
  const auto sim = truth.Simulate(model, 2000, 7);
  arma::mat means(3, 2);
  arma::cube covariances(3, 3, 2);
  for (arma::uword k = 0; k < 2; ++k) {
    const arma::vec b = truth.beta.col(k).tail(2);
    const arma::mat& S = truth.covariance.slice(k);
    means.col(k) = arma::join_cols(truth.mean.col(k), arma::vec{truth.beta(0, k) + arma::dot(b, truth.mean.col(k))});
    arma::mat joint(3, 3);
    joint.submat(0, 0, 1, 1) = S;
    joint.submat(0, 2, 1, 2) = S * b;
    joint.submat(2, 0, 2, 1) = (S * b).t();
    joint(2, 2) = arma::as_scalar(b.t() * S * b) + truth.sigma[k] * truth.sigma[k];
    covariances.slice(k) = joint;
  }
  arma::gmm_full gmm;
  gmm.set_params(means, covariances, truth.pi);
  const arma::mat points = arma::join_rows(sim.x.cols(1, 2), sim.y).t();
  const double reference = gmm.sum_log_p(points);
  const double ours = model.LogLikelihood(sim.View());
  EXPECT_NEAR(ours, reference, 1e-8 * std::abs(reference));
}

TEST(GaussianDensityGate, BadInputIsExplained) {
  // An intercept-only gate design leaves no covariate to model.
  EXPECT_THROW(MakeGate("gaussian_density", 1, 2), InputError);
  EXPECT_THROW(MakeGate("gaussian_density(covariance = spherical)", 3, 2), InputError);
  EXPECT_THROW(MakeGate("gaussian_density(shape = full)", 3, 2), InputError);
  GaussianDensityGate gate(3, 2, false);
  Rng rng(14);
  arma::mat x = RandomCovariates(50, 2, rng);
  arma::mat r = test::RandomWeights(50, 2, rng);
  arma::mat noIntercept = x;
  noIntercept.col(0).fill(2.0);
  EXPECT_THROW(gate.FitResponsibilities(Data(x, x, noIntercept), r), InputError);
  x.col(2).fill(3.0);
  try {
    gate.FitResponsibilities(Data(x, x, x), r);
    FAIL() << "a constant covariate was accepted";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("constant"), std::string::npos) << error.what();
  }
  EXPECT_THROW(gate.SetBlocks({{"pi", arma::mat{{0.5, 0.5}}}, {"mean", arma::mat(2, 2, arma::fill::zeros)},
                               {"covariance.1", arma::mat{{1, 2}, {2, 1}}}, {"covariance.2", arma::mat(arma::eye(2, 2))}}),
               InputError);
}

}  // namespace
}  // namespace moest
