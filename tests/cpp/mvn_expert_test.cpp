// The multivariate Gaussian regression expert: its density, gradient and M-step, its equality with the
// Gaussian expert at d = 1, and known-truth recovery with a softmax gate and with the Gaussian-density
// gate (GLLiM), by EM and by direct maximum likelihood.
#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace moest {
namespace {

struct MvnTruth {
  arma::mat beta;        // p x d
  arma::mat covariance;  // d x d
};

/** y_i = B'x_i + L z_i with x = [1, x1], x1 ~ U(-2, 2): one expert's data. */
test::SimulatedData OneExpertData(const MvnTruth& truth, arma::uword n, std::uint64_t seed) {
  MvnExpert expert(truth.beta.n_rows, truth.beta.n_cols);
  expert.SetBlocks({{"coefficients", truth.beta}, {"covariance", truth.covariance}});
  Rng rng(seed);
  test::SimulatedData out;
  out.x.set_size(n, 2);
  out.x.col(0).ones();
  for (arma::uword i = 0; i < n; ++i) out.x(i, 1) = -2.0 + 4.0 * rng.Uniform();
  out.y.zeros(n, truth.beta.n_cols);  // Data counts its rows from y
  arma::mat draws;
  expert.Sample(out.View(), rng, draws);
  out.y = draws;
  return out;
}

double WeightedLogLik(const Expert& expert, const Data& data, const arma::vec& w) {
  arma::vec ld;
  expert.LogDensity(data, ld);
  return arma::dot(w, ld);
}

const MvnTruth kTwoD = {{{1.0, -1.0}, {2.0, 0.5}}, {{0.5, 0.2}, {0.2, 0.4}}};
const MvnTruth kTwoDOther = {{{-1.0, 2.0}, {-1.5, 1.0}}, {{0.3, -0.1}, {-0.1, 0.6}}};

TEST(MvnExpert, LogDensityMatchesTheNormalFormula) {
  const test::SimulatedData data = OneExpertData(kTwoD, 50, 1);
  MvnExpert expert(2, 2);
  expert.SetBlocks({{"coefficients", kTwoD.beta}, {"covariance", kTwoD.covariance}});
  arma::vec out;
  expert.LogDensity(data.View(), out);
  const arma::mat inverse = arma::inv_sympd(kTwoD.covariance);
  for (arma::uword i = 0; i < 10; ++i) {
    const arma::vec e = data.y.row(i).t() - kTwoD.beta.t() * data.x.row(i).t();
    const double expected = -std::log(2.0 * M_PI) - 0.5 * std::log(arma::det(kTwoD.covariance)) -
                            0.5 * arma::as_scalar(e.t() * inverse * e);
    EXPECT_NEAR(out[i], expected, 1e-12);
  }
  EXPECT_EQ(expert.NumParameters(), 2u * 2u + 3u);
  EXPECT_EQ(expert.Spec().ToString(), "mvn(dimension = 2)");
}

TEST(MvnExpert, GradientMatchesFiniteDifferences) {
  for (arma::uword d : {1u, 2u, 3u}) {
    MvnTruth truth{arma::mat(2, d, arma::fill::zeros), arma::eye(d, d)};
    truth.beta.row(0) = arma::linspace<arma::rowvec>(-1.0, 1.0, d);
    truth.beta.row(1).fill(0.7);
    if (d > 1) truth.covariance(0, 1) = truth.covariance(1, 0) = 0.3;
    const test::SimulatedData data = OneExpertData(truth, 200, 2 + d);
    MvnExpert expert(2, d);
    // Away from the truth, so that the gradient is not near zero.
    expert.SetBlocks({{"coefficients", truth.beta + 0.2}, {"covariance", 1.5 * truth.covariance}});
    Rng rng(4);
    arma::vec c(data.y.n_rows);
    for (auto& v : c) v = rng.Uniform();
    arma::vec analytic;
    expert.GradLogDensity(data.View(), c, analytic);
    ASSERT_EQ(analytic.n_elem, expert.NumParameters());
    auto objective = [&](const arma::vec& t) {
      MvnExpert e(expert);
      e.Unpack(t);
      return WeightedLogLik(e, data.View(), c);
    };
    const arma::vec numeric = test::NumericGradient(objective, expert.Pack());
    EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-6 * (1.0 + arma::abs(numeric).max())) << "d = " << d;
    // Pack and Unpack are inverses.
    MvnExpert copy(2, d);
    copy.Unpack(expert.Pack());
    EXPECT_LT(arma::abs(copy.Covariance() - expert.Covariance()).max(), 1e-12);
  }
}

TEST(MvnExpert, WeightedFitIsTheWeightedLeastSquaresOfEachColumnAndTheirResidualCovariance) {
  const test::SimulatedData data = OneExpertData(kTwoD, 500, 3);
  arma::vec w = test::UniformWeights(data.y.n_rows, 5);
  MvnExpert expert(2, 2);
  const StepReport report = expert.FitWeighted(data.View(), w);
  EXPECT_FALSE(report.singular);
  EXPECT_FALSE(report.varianceFloorBound);
  const arma::mat W = arma::diagmat(w);
  const arma::mat beta = arma::solve(data.x.t() * W * data.x, data.x.t() * W * data.y);
  EXPECT_LT(arma::abs(expert.Coefficients() - beta).max(), 1e-10);
  const arma::mat e = data.y - data.x * beta;
  EXPECT_LT(arma::abs(expert.Covariance() - e.t() * W * e / arma::accu(w)).max(), 1e-10);
  // The M-step maximises the weighted log-likelihood: any nearby parameters do worse.
  const double best = WeightedLogLik(expert, data.View(), w);
  for (arma::uword j = 0; j < expert.NumParameters(); ++j) {
    MvnExpert moved(expert);
    arma::vec theta = expert.Pack();
    theta[j] += 1e-3;
    moved.Unpack(theta);
    EXPECT_LT(WeightedLogLik(moved, data.View(), w), best);
  }
}

TEST(MvnExpert, CovarianceFloorBindsAndIsReported) {
  test::SimulatedData data = OneExpertData(kTwoD, 100, 6);
  data.y.col(1) = 2.0 * data.y.col(0) + 1.0;  // a singular residual covariance
  MvnExpert expert(2, 2);
  expert.SetVarianceFloor(1e-4);
  const StepReport report = expert.FitWeighted(data.View(), arma::ones(100));
  EXPECT_TRUE(report.varianceFloorBound);
  EXPECT_NE(report.note.find("floor"), std::string::npos);
  const arma::vec values = arma::eig_sym(expert.Covariance());
  EXPECT_GT(values.min(), 0.0);
  arma::vec ld;
  expert.LogDensity(data.View(), ld);
  EXPECT_TRUE(ld.is_finite());
}

TEST(MvnExpert, OneColumnIsTheGaussianExpert) {
  const Model truth = test::MakeLinearModel({{0.0, 0.0}, {0.5, 3.0}}, {{1.0, 2.0, 0.5}, {-1.0, -1.0, 0.8}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 2000, 7);
  FitOptions options;
  options.starts = 2;
  options.seed = 9;
  options.standardErrors = false;
  SilentObserver silent;
  for (const std::string& gate : {"softmax", "gaussian_density"}) {
    const FitResult gaussian = Fit(Model::Make("gaussian", gate, 2, 2, 2), sim.View(), options, silent);
    const FitResult mvn = Fit(Model::Make("mvn", gate, 2, 2, 2), sim.View(), options, silent);
    EXPECT_NEAR(mvn.stats.logLikelihood, gaussian.stats.logLikelihood, 1e-8) << gate;
    EXPECT_EQ(mvn.model.NumParameters(), gaussian.model.NumParameters());
    EXPECT_EQ(mvn.stats.trace.size(), gaussian.stats.trace.size());
    for (arma::uword k = 0; k < 2; ++k) {
      const auto& g = dynamic_cast<const GaussianExpert&>(gaussian.model.expert(k));
      const auto& m = dynamic_cast<const MvnExpert&>(mvn.model.expert(k));
      EXPECT_LT(arma::abs(m.Coefficients().col(0) - g.Coefficients()).max(), 1e-6);
      EXPECT_NEAR(std::sqrt(m.Covariance()(0, 0)), g.Sigma(), 1e-6);
    }
  }
}

/** Expert k's natural parameters and their standard errors, components sorted by the first intercept. */
struct Recovered {
  std::vector<arma::mat> beta, covariance, betaSe, covarianceSe;
};

/**
 * Standard errors of expert k as if the memberships were the fitted posteriors and known: weighted
 * least squares, SE(B_rc) = sqrt(S_cc [(X'WX)^-1]_rr), and the Wishart SE(S_ab) = sqrt((S_ab^2 +
 * S_aa S_bb) / n_k). The complete-data information bounds the observed one from above, so these are
 * slightly smaller than the observed-information ones: a strict yardstick.
 */
ParameterBlocks CompleteDataErrors(const FitResult& fit, const Data& data, arma::uword k) {
  const auto& expert = dynamic_cast<const MvnExpert&>(fit.model.expert(k));
  const arma::vec w = fit.responsibilities.col(k);
  const arma::mat inverse = arma::inv_sympd(data.xExpert.t() * (data.xExpert.each_col() % w));
  const arma::mat S = expert.Covariance();
  const arma::mat betaSe = arma::sqrt(inverse.diag() * S.diag().t());
  const arma::mat covarianceSe = arma::sqrt((arma::square(S) + S.diag() * S.diag().t()) / arma::accu(w));
  return {{"coefficients", betaSe}, {"covariance", covarianceSe}};
}

/** The experts sorted by their first intercept, with standard errors (observed information, or `data`'s complete-data ones). */
Recovered SortedExperts(const FitResult& fit, const Data* data) {
  const arma::uword K = fit.model.K();
  arma::vec key(K);
  for (arma::uword k = 0; k < K; ++k) key[k] = fit.model.expert(k).Blocks()[0].value(0, 0);
  Recovered out;
  const auto& se = fit.stats.standardErrors;
  for (arma::uword k : arma::uvec(arma::sort_index(key, "descend"))) {
    const ParameterBlocks blocks = fit.model.expert(k).Blocks();
    const ParameterBlocks errors = data != nullptr ? CompleteDataErrors(fit, *data, k) : se.experts.at(k);
    out.beta.push_back(blocks[0].value);
    out.covariance.push_back(blocks[1].value);
    out.betaSe.push_back(errors[0].value);
    out.covarianceSe.push_back(errors[1].value);
  }
  return out;
}

/**
 * Every recovered parameter within 4 of its standard errors of the truth (the truths sorted likewise):
 * the observed-information ones, or with `data` the complete-data ones.
 */
void ExpectRecovered(const FitResult& fit, const std::vector<MvnTruth>& truth, const Data* data = nullptr) {
  if (data == nullptr) ASSERT_TRUE(fit.stats.standardErrors.positiveDefinite) << fit.stats.standardErrors.message;
  for (const TraceRow& row : fit.stats.trace) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  const Recovered got = SortedExperts(fit, data);
  for (std::size_t k = 0; k < truth.size(); ++k) {
    const arma::mat betaZ = arma::abs(got.beta[k] - truth[k].beta) / got.betaSe[k];
    const arma::mat covZ = arma::abs(got.covariance[k] - truth[k].covariance) / got.covarianceSe[k];
    EXPECT_LT(betaZ.max(), 4.0) << "expert " << k + 1 << "\n" << got.beta[k] << "se\n" << got.betaSe[k];
    EXPECT_LT(covZ.max(), 4.0) << "expert " << k + 1 << "\n" << got.covariance[k] << "se\n" << got.covarianceSe[k];
    // The standard errors themselves are of the order 1 / sqrt(n): a loose fit cannot hide behind them.
    EXPECT_LT(got.betaSe[k].max(), 0.05);
  }
}

/** K = 2 softmax-gated experts on x = [1, x1], x1 ~ U(-2, 2), gate slope 2 (the truths in kTwoD order). */
test::SimulatedData SoftmaxData(const std::vector<MvnTruth>& truth, arma::uword n, std::uint64_t seed) {
  const arma::uword d = truth[0].beta.n_cols;
  Model model = Model::Make("mvn(dimension = " + std::to_string(d) + ")", "softmax", 2, 2, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, 0.3}, {0.0, 2.0}}}});
  for (arma::uword k = 0; k < 2; ++k) {
    model.expert(k).SetBlocks({{"coefficients", truth[k].beta}, {"covariance", truth[k].covariance}});
  }
  return test::SimulateLinear(model, n, seed, -2.0, 2.0);
}

FitOptions RecoveryOptions() {
  FitOptions options;
  options.starts = 3;
  options.seed = 21;
  options.em.tolerance = 1e-10;
  options.em.maxIterations = 1000;
  return options;
}

TEST(MvnExpert, RecoversTwoSoftmaxGatedExpertsInTwoDimensions) {
  const std::vector<MvnTruth> truth = {kTwoD, kTwoDOther};
  const test::SimulatedData sim = SoftmaxData(truth, 10000, 31);
  SilentObserver silent;
  const FitResult fit = Fit(Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 2), sim.View(), RecoveryOptions(), silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  ExpectRecovered(fit, truth);
  // Direct maximum likelihood and em+mle reach the same optimum.
  for (SolverKind solver : {SolverKind::Mle, SolverKind::EmMle}) {
    FitOptions options = RecoveryOptions();
    options.solver = solver;
    options.standardErrors = false;
    const FitResult other = Fit(Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 2), sim.View(), options, silent);
    EXPECT_NEAR(other.stats.logLikelihood, fit.stats.logLikelihood, 1e-4) << SolverName(solver);
  }
}

TEST(MvnExpert, RecoversThreeDimensionalExperts) {
  const MvnTruth first = {{{1.0, -1.0, 0.0}, {2.0, 0.5, -1.0}},
                          {{0.5, 0.2, 0.1}, {0.2, 0.4, -0.1}, {0.1, -0.1, 0.3}}};
  const MvnTruth second = {{{-1.0, 2.0, 1.0}, {-1.5, 1.0, 0.5}},
                           {{0.3, -0.1, 0.0}, {-0.1, 0.6, 0.2}, {0.0, 0.2, 0.5}}};
  const test::SimulatedData sim = SoftmaxData({first, second}, 10000, 32);
  SilentObserver silent;
  const FitResult fit = Fit(Model::Make("mvn(dimension = 3)", "softmax", 2, 2, 2), sim.View(), RecoveryOptions(), silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  ExpectRecovered(fit, {first, second});
}

TEST(MvnExpert, RecoversGllimWithTheGaussianDensityGate) {
  // The joint model: component k with probability pi_k, x1 ~ N(m_k, s_k^2), then y from expert k.
  const std::vector<MvnTruth> truth = {kTwoD, kTwoDOther};
  const double pi[2] = {0.4, 0.6}, mean[2] = {-1.0, 1.5}, sd[2] = {0.6, 0.7};
  const arma::uword n = 10000;
  Rng rng(41);
  test::SimulatedData sim;
  sim.x.set_size(n, 2);
  sim.x.col(0).ones();
  sim.y.set_size(n, 2);
  for (arma::uword i = 0; i < n; ++i) {
    const arma::uword k = rng.Uniform() < pi[0] ? 0 : 1;
    sim.x(i, 1) = mean[k] + sd[k] * rng.Normal();
    const arma::mat L = arma::chol(truth[k].covariance, "lower");
    const arma::vec z = {rng.Normal(), rng.Normal()};
    sim.y.row(i) = (truth[k].beta.t() * sim.x.row(i).t() + L * z).t();
  }
  SilentObserver silent;
  const FitResult fit =
      Fit(Model::Make("mvn(dimension = 2)", "gaussian_density", 2, 2, 2), sim.View(), RecoveryOptions(), silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  // The observed information of density-gate fits is not positive definite here (nor for Gaussian
  // experts on the same data: a matter of the density gates' standard errors, reported separately);
  // the complete-data standard errors give the yardstick instead.
  const Data view = sim.View();
  ExpectRecovered(fit, truth, &view);
  EXPECT_TRUE(std::isfinite(fit.stats.conditionalLogLikelihood));
}

TEST(MvnExpert, PredictsTheMixtureMeanAndCovariance) {
  const std::vector<MvnTruth> truth = {kTwoD, kTwoDOther};
  const test::SimulatedData sim = SoftmaxData(truth, 200, 51);
  Model model = Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, 0.3}, {0.0, 2.0}}}});
  for (arma::uword k = 0; k < 2; ++k) {
    model.expert(k).SetBlocks({{"coefficients", truth[k].beta}, {"covariance", truth[k].covariance}});
  }
  const arma::mat mean = PredictResponseMeans(model, sim.View());
  const arma::cube covariance = PredictResponseCovariances(model, sim.View());
  const arma::mat gate = PredictGate(model, sim.View());
  ASSERT_EQ(mean.n_cols, 2u);
  EXPECT_LT(arma::abs(mean.col(0) - PredictMean(model, sim.View())).max(), 1e-12);
  for (arma::uword i = 0; i < 5; ++i) {
    const arma::rowvec x = sim.x.row(i);
    const arma::rowvec m1 = x * truth[0].beta, m2 = x * truth[1].beta;
    const arma::rowvec m = gate(i, 0) * m1 + gate(i, 1) * m2;
    EXPECT_LT(arma::abs(mean.row(i) - m).max(), 1e-12);
    const arma::mat expected = gate(i, 0) * (truth[0].covariance + m1.t() * m1) +
                               gate(i, 1) * (truth[1].covariance + m2.t() * m2) - m.t() * m;
    EXPECT_LT(arma::abs(covariance.slice(i) - expected).max(), 1e-12);
  }
  // Simulated draws have d columns; the model file gives back the same likelihood.
  Rng rng(3);
  EXPECT_EQ(Simulate(model, sim.View(), rng).y.n_cols, 2u);
  FitResult fit;
  fit.model = model;
  ModelFile file = test::LinearModelFile(fit);
  file.expertFamily = model.expert(0).Spec().ToString();
  const ModelFile back = ModelFromJson(ModelToJson(file), "round trip");
  EXPECT_NEAR(back.model.LogLikelihood(sim.View()), model.LogLikelihood(sim.View()), 1e-9);
}

TEST(MvnExpert, BadInputIsRefusedWithAMessage) {
  test::SimulatedData sim = SoftmaxData({kTwoD, kTwoDOther}, 300, 61);
  FitOptions options;
  SilentObserver silent;
  // Another family given two response columns.
  for (const std::string& family : {"gaussian", "t", "poisson"}) {
    const std::string message =
        test::ErrorOf([&] { Fit(Model::Make(family, "softmax", 2, 2, 2), sim.View(), options, silent); });
    EXPECT_NE(message.find("2 columns"), std::string::npos) << message;
    EXPECT_NE(message.find("mvn"), std::string::npos) << message;
  }
  // A dimension that does not match the response.
  EXPECT_NE(test::ErrorOf([&] { Fit(Model::Make("mvn(dimension = 3)", "softmax", 2, 2, 2), sim.View(), options, silent); })
                .find("models 3"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([&] { MakeExpert("mvn(dimension = 0)", 2); }).find("dimension"), std::string::npos);
  EXPECT_NE(test::ErrorOf([&] { MakeExpert("mvn(dim = 2)", 2); }).find("dim"), std::string::npos);
  // A NaN in the second response column: the row and the column are named.
  test::SimulatedData bad = sim;
  bad.y(6, 1) = arma::datum::nan;
  const std::string nan =
      test::ErrorOf([&] { Fit(Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 2), bad.View(), options, silent); });
  EXPECT_NE(nan.find("row 7, column 2"), std::string::npos) << nan;
  // A constant second column.
  bad = sim;
  bad.y.col(1).fill(2.0);
  EXPECT_NE(test::ErrorOf([&] { Fit(Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 2), bad.View(), options, silent); })
                .find("column 2 is constant"),
            std::string::npos);
  // Too few rows: K = 3 experts of 2 * 2 + 3 parameters and a gate of 4 need 26 rows.
  const test::SimulatedData few = SoftmaxData({kTwoD, kTwoDOther}, 25, 62);
  const std::string rows =
      test::ErrorOf([&] { Fit(Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 3), few.View(), options, silent); });
  EXPECT_NE(rows.find("25 rows"), std::string::npos) << rows;
  // A covariance that is not positive definite in a model file's parameters.
  MvnExpert expert(2, 2);
  EXPECT_NE(test::ErrorOf([&] {
              expert.SetBlocks({{"coefficients", kTwoD.beta}, {"covariance", arma::mat{{1.0, 2.0}, {2.0, 1.0}}}});
            }).find("positive-definite"),
            std::string::npos);
}

}  // namespace
}  // namespace moest
