// The Poisson expert's exposure offset: log mu_i = x_i'beta + offset_i, in the core (density,
// gradient, M-step, recovery), the model file and the command line.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iomanip>

#include "cli_process_support.hpp"
#include "moest/io/number_text.hpp"
#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::Column;

/** Counts from a K = 2 Poisson MoE on [1, x] with exposure t ~ U(0.2, 5) varying over rows. */
struct ExposureData {
  arma::mat x, y;
  arma::vec exposure, offset;
  Model truth = Model::Make("poisson", "softmax", 2, 2, 2);
  ExposureData(arma::uword n, std::uint64_t seed) {
    truth.gate().SetBlocks({{"coefficients", arma::mat({{0.0, 0.2}, {0.0, 2.5}})}});
    truth.expert(0).SetBlocks({{"coefficients", Column({0.3, 1.2})}});
    truth.expert(1).SetBlocks({{"coefficients", Column({1.5, -0.8})}});
    Rng rng(seed);
    x.set_size(n, 2);
    x.col(0).ones();
    exposure.set_size(n);
    for (arma::uword i = 0; i < n; ++i) {
      x(i, 1) = 2.0 * rng.Uniform() - 1.0;
      exposure[i] = 0.2 + 4.8 * rng.Uniform();
    }
    offset = arma::log(exposure);
    y.zeros(n, 1);
    y = Simulate(truth, View(), rng).y;
  }
  Data View() const { return Data(y, x, x, nullptr, &offset); }
};

TEST(PoissonOffset, LogDensityAndMeanUseTheOffset) {
  const ExposureData d(50, 3);
  PoissonExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.5, -1.0})}});
  arma::vec out, mean;
  expert.LogDensity(d.View(), out);
  expert.Mean(d.View(), mean);
  for (arma::uword i = 0; i < 5; ++i) {
    const double mu = d.exposure[i] * std::exp(0.5 - d.x(i, 1));
    EXPECT_NEAR(out[i], d.y(i, 0) * std::log(mu) - mu - std::lgamma(d.y(i, 0) + 1.0), 1e-10);
    EXPECT_NEAR(mean[i], mu, 1e-10 * mu);
  }
}

TEST(PoissonOffset, GradientMatchesFiniteDifferences) {
  const ExposureData d(400, 4);
  PoissonExpert expert(2);
  expert.SetBlocks({{"coefficients", Column({0.3, 0.7})}});
  Rng rng(4);
  arma::vec c(d.y.n_rows);
  for (auto& v : c) v = rng.Uniform();
  EXPECT_LT(test::ExpertGradientError(expert, d.View(), c), 1e-5);
  // The offset matters: without it the gradient differs.
  arma::vec with, without;
  expert.GradLogDensity(d.View(), c, with);
  expert.GradLogDensity(Data(d.y, d.x, d.x), c, without);
  EXPECT_GT(arma::abs(with - without).max(), 1.0);
}

TEST(PoissonOffset, RowScoresOfTheSandwichKeepTheOffset) {
  const ExposureData d(300, 6);
  const arma::mat scores = RowScores(d.truth, d.View());
  arma::vec gradient;
  LogLikelihoodGradient(d.truth, d.View(), gradient);
  EXPECT_LT(arma::abs(arma::sum(scores, 0).t() - gradient).max(), 1e-8 * std::max(1.0, arma::abs(gradient).max()));
}

TEST(PoissonOffset, WeightedFitSolvesTheWeightedScoreEquations) {
  const ExposureData d(400, 5);
  const arma::vec w = test::UniformWeights(d.y.n_rows, 2);
  PoissonExpert expert(2);
  const StepReport report = expert.FitWeighted(d.View(), w);
  EXPECT_FALSE(report.singular);
  arma::vec g;
  expert.GradLogDensity(d.View(), w, g);
  EXPECT_LT(arma::abs(g).max(), 1e-7);
}

TEST(PoissonOffset, FitRecoversATwoExpertModelWithVaryingExposure) {
  const ExposureData d(5000, 31);
  FitOptions options;
  options.seed = 1;
  options.starts = 3;
  test::RecordingObserver recorder;
  const FitResult fit = Fit(d.truth, d.View(), options, recorder);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  EXPECT_GE(fit.stats.logLikelihood, d.truth.LogLikelihood(d.View()));
  for (const TraceRow& row : recorder.rows) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  // Complete-data standard errors at the truth: (X' diag(g_k mu_k) X)^-1, mu_k with the exposure.
  const arma::mat g = PredictGate(d.truth, d.View());
  const arma::mat mu = PredictExpertMeans(d.truth, d.View());
  const arma::uvec to = test::OrderByIntercept(d.truth), fo = test::OrderByIntercept(fit.model);
  for (arma::uword j = 0; j < 2; ++j) {
    const arma::vec weight = g.col(to[j]) % mu.col(to[j]);
    const arma::vec se = arma::sqrt(arma::diagvec(arma::inv_sympd(d.x.t() * (d.x.each_col() % weight))));
    const arma::mat tb = d.truth.expert(to[j]).Blocks()[0].value, fb = fit.model.expert(fo[j]).Blocks()[0].value;
    for (int p = 0; p < 2; ++p) {
      EXPECT_NEAR(fb(p), tb(p), 4 * se[p]) << "expert " << j << " coefficient " << p;
      std::printf("[ figures  ] expert %u coefficient %d: fitted %.4f, truth %.4f, SE %.4f\n",
                  static_cast<unsigned>(j), p, fb(p), tb(p), se[p]);
    }
  }
  // Ignoring the exposure gives a visibly worse fit.
  const FitResult plain = Fit(d.truth, Data(d.y, d.x, d.x), options, recorder);
  EXPECT_LT(plain.stats.logLikelihood, fit.stats.logLikelihood - 100.0);
}

TEST(PoissonOffset, BadOffsetsAreInputErrors) {
  const ExposureData d(60, 6);
  FitOptions options;
  SilentObserver silent;
  const Model gaussian = Model::Make("gaussian", "softmax", 2, 2, 2);
  EXPECT_NE(test::ErrorOf([&] { Fit(gaussian, d.View(), options, silent); }).find("only poisson experts"),
            std::string::npos);
  arma::vec bad = d.offset;
  bad[9] = arma::datum::inf;
  const std::string message =
      test::ErrorOf([&] { Fit(d.truth, Data(d.y, d.x, d.x, nullptr, &bad), options, silent); });
  EXPECT_NE(message.find("offset"), std::string::npos) << message;
  EXPECT_NE(message.find("row 10"), std::string::npos) << message;
  const arma::vec shorter = d.offset.head(10);
  EXPECT_NE(test::ErrorOf([&] { Fit(d.truth, Data(d.y, d.x, d.x, nullptr, &shorter), options, silent); })
                .find("10 values"),
            std::string::npos);
}

TEST(PoissonOffset, FormulaOffsetsParseAndPrint) {
  const Formula f = ParseFormula("count ~ x + offset(log(t)) | z");
  ASSERT_EQ(f.expert.terms.size(), 1u);
  EXPECT_EQ(f.expert.terms[0].column, "x");
  EXPECT_TRUE(f.expert.offset.Present());
  EXPECT_TRUE(f.expert.offset.log);
  EXPECT_EQ(f.expert.offset.column, "t");
  EXPECT_FALSE(f.gate.offset.Present());
  EXPECT_EQ(f.text, "count ~ x + offset(log(t)) | z");
  EXPECT_EQ(ParseFormula(f.text).text, f.text);
  const Formula g = ParseFormula("count ~ offset(`log t`) + x");
  EXPECT_FALSE(g.expert.offset.log);
  EXPECT_EQ(g.expert.offset.column, "log t");
  EXPECT_EQ(g.text, "count ~ x + offset(`log t`)");
  EXPECT_FALSE(g.gate.offset.Present());
  EXPECT_NE(test::ErrorOf([] { ParseFormula("y ~ x | z + offset(t)"); }).find("expert part"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseFormula("y ~ offset(a) + offset(b)"); }).find("more than one offset"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseFormula("y ~ x + offset(sqrt(t))"); }).find("offset(log(column))"),
            std::string::npos);
}

TEST(PoissonOffset, EvaluatedFromATableWithClearErrors) {
  std::istringstream csv("y,t,u\n1,2,0\n3,0.5,1\n");
  const Table table = ParseCsv(csv, "test");
  const arma::vec logs = EvaluateOffset(table, ParseOffsetExpression("log(t)", "test"));
  EXPECT_NEAR(logs[1], std::log(0.5), 1e-15);
  EXPECT_EQ(EvaluateOffset(table, ParseOffsetExpression("u", "test"))[1], 1.0);
  const std::string zero = test::ErrorOf([&] { EvaluateOffset(table, ParseOffsetExpression("log(u)", "test")); });
  EXPECT_NE(zero.find("'u'"), std::string::npos) << zero;
  EXPECT_NE(zero.find("row 1"), std::string::npos) << zero;
  const std::string missing = test::ErrorOf([&] { EvaluateOffset(table, ParseOffsetExpression("exposure", "test")); });
  EXPECT_NE(missing.find("'exposure'"), std::string::npos) << missing;
}

TEST(PoissonOffset, ModelFilesRecordTheOffsetAsVersionThree) {
  const ExposureData d(60, 7);
  ModelFile file;
  file.formula = "count ~ x + offset(log(t))";
  file.response = "count";
  file.expertTerms = file.gateTerms = {"(Intercept)", "x"};
  file.expertFamily = "poisson";
  file.gateFamily = "softmax";
  file.offset = "log(t)";
  file.model = d.truth;
  const std::string json = ModelToJson(file);
  EXPECT_NE(json.find("\"version\": 3"), std::string::npos);
  EXPECT_EQ(ModelFromJson(json, "m").offset, "log(t)");
  file.offset.clear();
  EXPECT_NE(ModelToJson(file).find("\"version\": 1"), std::string::npos);
  std::string newer = json;
  newer.replace(newer.find("\"version\": 3"), 12, "\"version\": 5");
  EXPECT_NE(test::ErrorOf([&] { ModelFromJson(newer, "m"); }).find("newer than this moest reads (4)"),
            std::string::npos);
}

/** A count table with an exposure column for the command-line tests. */
std::filesystem::path WriteExposureCsv(const std::filesystem::path& dir, const ExposureData& d, bool badRow = false) {
  const auto path = dir / "counts.csv";
  std::ofstream out(path);
  out << std::setprecision(17) << "count,x,t,logt\n";
  for (arma::uword i = 0; i < d.y.n_rows; ++i) {
    out << d.y(i, 0) << ',' << d.x(i, 1) << ',' << (badRow && i == 4 ? 0.0 : d.exposure[i]) << ','
        << (badRow && i == 4 ? std::string("inf") : NumberText(d.offset[i], "%.17g")) << '\n';
  }
  return path;
}

TEST(PoissonOffsetCli, FitPredictAndSimulateUseTheOffset) {
  const auto dir = test::CleanDirectory("poisson_offset_cli");
  const ExposureData d(300, 8);
  WriteExposureCsv(dir, d);
  auto fit = test::RunMoest(dir, "fit counts.csv -f 'count ~ x + offset(log(t))' --expert poisson -K 1 -q -o m.json");
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  const std::string model = test::ReadWhole(dir / "m.json");
  EXPECT_NE(model.find("\"offset\": \"log(t)\""), std::string::npos);
  EXPECT_NE(model.find("\"version\": 3"), std::string::npos);
  // --offset COL (already on the log scale) is the same model.
  fit = test::RunMoest(dir, "fit counts.csv -f 'count ~ x' --offset logt --expert poisson -K 1 -q -o m2.json");
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  const ModelFile a = ReadModelFile((dir / "m.json").string()), b = ReadModelFile((dir / "m2.json").string());
  EXPECT_EQ(b.offset, "logt");
  EXPECT_NEAR(a.stats.logLikelihood, b.stats.logLikelihood, 1e-4);
  const auto predicted = test::RunMoest(dir, "predict m.json counts.csv");
  ASSERT_EQ(predicted.exitCode, 0) << predicted.err;
  std::istringstream lines(predicted.out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  const double beta0 = a.model.expert(0).Blocks()[0].value(0, 0), beta1 = a.model.expert(0).Blocks()[0].value(1, 0);
  EXPECT_NEAR(std::stod(first), d.exposure[0] * std::exp(beta0 + beta1 * d.x(0, 1)), 1e-4);
  const auto simulated = test::RunMoest(dir, "simulate m.json --covariates counts.csv --seed 3");
  EXPECT_EQ(simulated.exitCode, 0) << simulated.err;
  // Missing offset column at prediction: exit code 2 naming it.
  {
    std::ofstream out(dir / "no_t.csv");
    out << "count,x\n1,0.5\n";
  }
  const auto missing = test::RunMoest(dir, "predict m.json no_t.csv");
  EXPECT_EQ(missing.exitCode, 2);
  EXPECT_NE(missing.err.find("'t'"), std::string::npos) << missing.err;
  const auto noCovariates = test::RunMoest(dir, "simulate m.json -n 5");
  EXPECT_EQ(noCovariates.exitCode, 2);
}

TEST(PoissonOffsetCli, BadOffsetsExitWithCodeTwoNamingTheColumn) {
  const auto dir = test::CleanDirectory("poisson_offset_bad");
  const ExposureData d(100, 9);
  WriteExposureCsv(dir, d, true);
  // Each bad input exits with code 2 and a message holding `needle`.
  auto expectBad = [&](const std::string& arguments, const std::string& needle) {
    const auto outcome = test::RunMoest(dir, "fit counts.csv " + arguments + " -K 1 -q");
    EXPECT_EQ(outcome.exitCode, 2) << arguments;
    EXPECT_NE(outcome.err.find(needle), std::string::npos) << arguments << ": " << outcome.err;
  };
  expectBad("-f 'count ~ x' --offset logt", "only poisson experts");
  expectBad("-f 'count ~ x' --offset exposure --expert poisson", "'exposure'");
  expectBad("-f 'count ~ x' --offset logt --expert poisson", "'logt'");
  expectBad("-f 'count ~ x' --offset logt --expert poisson", "row 5");
  expectBad("-f 'count ~ x + offset(log(t))' --expert poisson", "'t'");
  expectBad("-f 'count ~ x + offset(log(t))' --offset logt --expert poisson", "give one");
  // A negative count with a valid offset: the response is named with its row.
  {
    std::ofstream out(dir / "negative.csv");
    out << "count,x,t\n1,0.1,1\n2,0.2,2\n-3,0.3,1.5\n0,0.4,1\n4,0.5,3\n1,0.6,1\n";
  }
  const auto negative =
      test::RunMoest(dir, "fit negative.csv -f 'count ~ x + offset(log(t))' --expert poisson -K 1 -q");
  EXPECT_EQ(negative.exitCode, 2);
  EXPECT_NE(negative.err.find("row 3"), std::string::npos) << negative.err;
}

}  // namespace
}  // namespace moest
