#include <gtest/gtest.h>

#include <cmath>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

// Complete-data standard errors at the truth (the information if labels were known):
// experts: sigma_k^2 (X' diag(g_k) X)^-1; gate: the multinomial-logit information. The observed-data
// errors are larger where components overlap, so tests allow 6 of these (a 2x inflation at 3 SE).
struct CompleteDataErrors {
  arma::mat expert;  // 3 x K: intercept, slope, sigma
  arma::mat gate;    // 2 x K: intercept, slope (column 0 is the reference: zero)
};

CompleteDataErrors ErrorsAtTruth(const Model& truth, const arma::mat& x) {
  const Data data(x, x, x);
  const arma::mat g = PredictGate(truth, data);
  const arma::uword K = truth.K();
  CompleteDataErrors se;
  se.expert.set_size(3, K);
  for (arma::uword k = 0; k < K; ++k) {
    const double sigma = truth.expert(k).Blocks()[1].value(0, 0);
    const arma::mat info = x.t() * (x.each_col() % g.col(k)) / (sigma * sigma);
    se.expert.col(k).head(2) = arma::sqrt(arma::diagvec(arma::inv_sympd(info)));
    se.expert(2, k) = sigma / std::sqrt(2.0 * arma::accu(g.col(k)));
  }
  const arma::uword m = 2 * (K - 1);
  arma::mat info(m, m, arma::fill::zeros);
  for (arma::uword j = 1; j < K; ++j) {
    for (arma::uword l = 1; l < K; ++l) {
      const arma::vec v = g.col(j) % ((j == l ? 1.0 : 0.0) - g.col(l));
      info.submat(2 * (j - 1), 2 * (l - 1), 2 * j - 1, 2 * l - 1) = x.t() * (x.each_col() % v);
    }
  }
  se.gate.zeros(2, K);
  se.gate.cols(1, K - 1) = arma::reshape(arma::sqrt(arma::diagvec(arma::inv_sympd(info))), 2, K - 1);
  return se;
}

// Compare a fit with the truth after ordering both by expert intercept. The gate is compared after
// re-expressing it with the truth's reference component.
void ExpectRecovered(const Model& truth, const Model& fit, const arma::mat& x) {
  const CompleteDataErrors se = ErrorsAtTruth(truth, x);
  const arma::uvec to = test::OrderByIntercept(truth);
  const arma::uvec fo = test::OrderByIntercept(fit);
  const arma::mat tw = truth.gate().Blocks()[0].value;
  arma::mat fw = fit.gate().Blocks()[0].value;
  fw.each_col() -= fw.col(fo[0]);
  const arma::mat twRef = tw.each_col() - tw.col(to[0]);
  for (arma::uword j = 0; j < truth.K(); ++j) {
    const ParameterBlocks tb = truth.expert(to[j]).Blocks();
    const ParameterBlocks fb = fit.expert(fo[j]).Blocks();
    for (int p = 0; p < 2; ++p) {
      EXPECT_NEAR(fb[0].value(p), tb[0].value(p), 6 * se.expert(p, to[j])) << "expert " << j << " coefficient " << p;
    }
    EXPECT_NEAR(fb[1].value(0, 0), tb[1].value(0, 0), 6 * se.expert(2, to[j])) << "expert " << j << " sigma";
    if (j == 0) continue;
    // The gate error is that of the truth's parametrisation relative to its own reference; reusing
    // the largest one for the re-referenced coefficients is conservative.
    const double gateSe = arma::max(arma::vectorise(se.gate));
    for (int p = 0; p < 2; ++p) {
      EXPECT_NEAR(fw(p, fo[j]), twRef(p, to[j]), 6 * gateSe) << "gate " << j << " coefficient " << p;
    }
  }
}

TEST(Em, RecoversATwoExpertModel) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 4.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});
  const auto sim = SimulateLinear(truth, 5000, 101);
  FitOptions options;
  options.seed = 1;
  SilentObserver silent;
  const FitResult fit = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged);
  EXPECT_GE(fit.stats.logLikelihood, truth.LogLikelihood(sim.View()));
  ExpectRecovered(truth, fit.model, sim.x);
}

TEST(Em, RecoversAThreeExpertModel) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 3.0}, {-0.5, -3.0}},
                                      {{{2.0, 1.0, 0.3}}, {{-2.0, 2.0, 0.4}}, {{0.0, -3.0, 0.25}}});
  const auto sim = SimulateLinear(truth, 5000, 202);
  FitOptions options;
  options.seed = 2;
  SilentObserver silent;
  const FitResult fit = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged);
  EXPECT_GE(fit.stats.logLikelihood, truth.LogLikelihood(sim.View()));
  ExpectRecovered(truth, fit.model, sim.x);
  EXPECT_EQ(fit.stats.startLogLikelihoods.size(), 10u);
  EXPECT_GE(fit.stats.startsReachingBest, 1);
}

TEST(Em, TraceIsMonotoneForEveryStart) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}, {0.3, -2.0}},
                                      {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}, {{0.0, -1.0, 0.6}}});
  const auto sim = SimulateLinear(truth, 2000, 303);  // overlapping components: a long EM path
  FitOptions options;
  options.seed = 3;
  options.starts = 6;
  test::RecordingObserver recorder;
  Fit(truth, sim.View(), options, recorder);
  ASSERT_GT(recorder.rows.size(), 50u);
  for (const TraceRow& row : recorder.rows) {
    EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
    EXPECT_GE(row.relativeChange, -1e-9);
  }
}

TEST(Em, OneGateStepPerIterationReachesTheSolvedMStepsEstimate) {
  // Generalised EM (one gate Newton step per iteration, the default) against exact M-steps from the
  // same start: monotone, no cap hits, about as many iterations, the same maximum.
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 3.0}, {-0.5, -3.0}},
                                      {{{2.0, 1.0, 0.3}}, {{-2.0, 2.0, 0.4}}, {{0.0, -3.0, 0.25}}});
  const auto sim = SimulateLinear(truth, 3000, 404);
  FitOptions options;
  options.starts = 1;
  options.startMethod = StartMethod::RandomPartition;
  options.seed = 4;
  options.em.tolerance = 1e-12;
  options.standardErrors = false;
  SilentObserver silent;
  test::RecordingObserver recorder;
  ASSERT_EQ(options.em.gateSteps, 1);
  const FitResult gem = Fit(truth, sim.View(), options, recorder);
  options.em.gateSteps = 0;
  const FitResult exact = Fit(truth, sim.View(), options, silent);
  ASSERT_EQ(gem.stats.status, FitStatus::Converged);
  ASSERT_EQ(exact.stats.status, FitStatus::Converged);
  for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  EXPECT_EQ(gem.stats.gateCapHits, 0);
  ASSERT_GT(gem.stats.trace.size(), 3u);
  EXPECT_NE(gem.stats.trace[2].logLikelihood, exact.stats.trace[2].logLikelihood);  // two paths...
  EXPECT_LE(gem.stats.iterations, exact.stats.iterations + exact.stats.iterations / 4);
  EXPECT_NEAR(gem.stats.logLikelihood, exact.stats.logLikelihood, 1e-9 * std::abs(exact.stats.logLikelihood));
  const arma::vec a = PackModel(gem.model), b = PackModel(exact.model);
  EXPECT_LT(arma::abs(a - b).max(), 1e-4);  // ...to one maximum
}

TEST(Em, SameSeedGivesBitIdenticalFits) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 4.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});
  const auto sim = SimulateLinear(truth, 1000, 404);
  FitOptions options;
  options.seed = 77;
  options.starts = 4;
  SilentObserver silent;
  const FitResult a = Fit(truth, sim.View(), options, silent);
  const FitResult b = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(a.stats.logLikelihood, b.stats.logLikelihood);
  EXPECT_TRUE(arma::all(a.model.gate().Pack() == b.model.gate().Pack()));
  for (arma::uword k = 0; k < 2; ++k) EXPECT_TRUE(arma::all(a.model.expert(k).Pack() == b.model.expert(k).Pack()));
  options.seed = 78;
  const FitResult c = Fit(truth, sim.View(), options, silent);
  EXPECT_NE(a.stats.startLogLikelihoods, c.stats.startLogLikelihoods);
}

TEST(Em, ReportsCriteriaConsistentWithTheLogLikelihood) {
  const Model truth = MakeLinearModel({{0, 0}, {0.5, 4.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});
  const auto sim = SimulateLinear(truth, 500, 505);
  FitOptions options;
  options.starts = 2;
  SilentObserver silent;
  const FitResult fit = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(fit.stats.nParameters, 8u);  // gate 2 + experts 2 x (2 + 1)
  EXPECT_NEAR(fit.stats.criteria.aic, -2 * fit.stats.logLikelihood + 16, 1e-9);
  EXPECT_NEAR(fit.stats.criteria.bic, -2 * fit.stats.logLikelihood + 8 * std::log(500.0), 1e-9);
  EXPECT_GE(fit.stats.criteria.icl, fit.stats.criteria.bic);
  EXPECT_NEAR(fit.stats.logLikelihood, fit.model.LogLikelihood(sim.View()), 1e-9);
  EXPECT_LT(arma::abs(arma::sum(fit.responsibilities, 1) - 1.0).max(), 1e-12);
}

TEST(Em, StopsAtTheIterationCapWithThatStatus) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}});
  const auto sim = SimulateLinear(truth, 500, 606);
  FitOptions options;
  options.starts = 1;
  options.em.maxIterations = 3;
  SilentObserver silent;
  const FitResult fit = Fit(truth, sim.View(), options, silent);
  EXPECT_EQ(fit.stats.status, FitStatus::MaxIterations);
  EXPECT_EQ(fit.stats.iterations, 3);
  EXPECT_EQ(fit.stats.trace.size(), 3u);
}

TEST(Em, ObserverCanInterrupt) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}});
  const auto sim = SimulateLinear(truth, 500, 707);
  FitOptions options;
  options.starts = 5;
  test::RecordingObserver stopper(4);
  const FitResult fit = Fit(truth, sim.View(), options, stopper);
  EXPECT_EQ(fit.stats.status, FitStatus::Interrupted);
  EXPECT_EQ(fit.stats.startLogLikelihoods.size(), 1u);  // no further start was begun
}

TEST(Em, ExactLinesEndDegenerateAtTheVarianceFloor) {
  // Two noiseless lines: each expert's variance goes to its floor, which must be said.
  arma::mat x = arma::join_rows(arma::ones(200), arma::linspace(0, 1, 200));
  arma::mat y(200, 1);
  for (arma::uword i = 0; i < 200; ++i) y(i, 0) = (i % 2 == 0) ? 1.0 + x(i, 1) : -1.0 - 2.0 * x(i, 1);
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  FitOptions options;
  options.starts = 3;
  SilentObserver silent;
  const FitResult fit = Fit(prototype, Data(y, x, x), options, silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Degenerate);
  EXPECT_TRUE(fit.stats.varianceFloorBound);
  EXPECT_NE(fit.stats.message.find("floor"), std::string::npos);
}

TEST(Em, CollapsedComponentEndsDegenerateNotNaN) {
  // An initial partition that gives component 2 a single row: its weighted design is singular.
  arma::mat x = arma::join_rows(arma::ones(100), arma::linspace(0, 1, 100));
  arma::mat y = x.col(1) * 2.0 + arma::linspace(0, 0.1, 100) % arma::sin(arma::linspace(0, 50, 100));
  const Model prototype = Model::Make("gaussian", "softmax", 2, 2, 2);
  FitOptions options;
  options.starts = 1;
  options.em.startSmoothing = 0.0;
  options.initialPartition = arma::uvec(100, arma::fill::zeros);
  options.initialPartition[50] = 1;
  SilentObserver silent;
  const FitResult fit = Fit(prototype, Data(y, x, x), options, silent);
  EXPECT_EQ(fit.stats.status, FitStatus::Degenerate);
  EXPECT_NE(fit.stats.message.find("expert 2"), std::string::npos);
  EXPECT_TRUE(std::isfinite(fit.stats.logLikelihood));
}

TEST(Em, SingleComponentIsOrdinaryLeastSquares) {
  const Model truth = MakeLinearModel({{0, 0}}, {{{1.0, 2.0, 0.3}}});
  const auto sim = SimulateLinear(truth, 300, 808);
  FitOptions options;
  options.starts = 1;
  SilentObserver silent;
  const FitResult fit = Fit(truth, sim.View(), options, silent);
  const arma::vec beta = arma::solve(sim.x, sim.y);
  EXPECT_LT(arma::abs(fit.model.expert(0).Blocks()[0].value - beta).max(), 1e-10);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged);
}

class FitInputTest : public ::testing::Test {
 protected:
  void ExpectRejected(const Data& data, const FitOptions& options, const std::string& fragment, arma::uword K = 2) {
    const Model prototype = Model::Make("gaussian", "softmax", data.xExpert.n_cols, data.xGate.n_cols, K);
    SilentObserver silent;
    try {
      Fit(prototype, data, options, silent);
      ADD_FAILURE() << "expected an InputError mentioning '" << fragment << "'";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  }
  arma::mat x = arma::join_rows(arma::ones(20), arma::linspace(0, 1, 20));
  arma::mat y = arma::sin(arma::linspace(0, 6, 20));
  FitOptions options;
};

TEST_F(FitInputTest, NonFiniteResponse) {
  y(7, 0) = arma::datum::nan;
  ExpectRejected(Data(y, x, x), options, "row 8");
}

TEST_F(FitInputTest, InfiniteCovariate) {
  x(3, 1) = arma::datum::inf;
  ExpectRejected(Data(y, x, x), options, "row 4");
}

TEST_F(FitInputTest, TooFewRowsForK) {
  ExpectRejected(Data(y, x, x), options, "free parameters", 5);  // 4*2 + 5*3 = 23 > 20 rows
}

TEST_F(FitInputTest, ConstantResponse) {
  y.fill(3.0);
  ExpectRejected(Data(y, x, x), options, "constant");
}

TEST_F(FitInputTest, SingularDesign) {
  x = arma::join_rows(x, 2.0 * x.col(1));
  ExpectRejected(Data(y, x, x), options, "column 3");
}

TEST_F(FitInputTest, ZeroStarts) {
  options.starts = 0;
  ExpectRejected(Data(y, x, x), options, "starts");
}

TEST_F(FitInputTest, PartitionOfWrongLength) {
  options.initialPartition = arma::uvec(5, arma::fill::zeros);
  ExpectRejected(Data(y, x, x), options, "partition");
}

TEST_F(FitInputTest, ZeroComponents) { EXPECT_THROW(Model::Make("gaussian", "softmax", 2, 2, 0), InputError); }

TEST_F(FitInputTest, UnknownFamilies) {
  EXPECT_THROW(Model::Make("gamma", "softmax", 2, 2, 2), InputError);
  EXPECT_THROW(Model::Make("gaussian", "banana", 2, 2, 2), InputError);
}

}  // namespace
}  // namespace moest
