// Multivariate (mvn) experts through the command-line tool: a cbind(y1, y2) formula, a version-4
// model file that summary, predict and simulate read back, and clear errors for bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "cli_process_support.hpp"
#include "moest/moest.hpp"

namespace moest {
namespace {

namespace fs = std::filesystem;

/** A CSV of two softmax-gated bivariate regimes on x (n rows), written to `path`. */
void WriteBivariate(const fs::path& path, arma::uword n, std::uint64_t seed) {
  Model model = Model::Make("mvn(dimension = 2)", "softmax", 2, 2, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, 0.0}, {0.0, 3.0}}}});
  model.expert(0).SetBlocks({{"coefficients", arma::mat{{1.0, -1.0}, {2.0, 0.5}}},
                             {"covariance", arma::mat{{0.2, 0.1}, {0.1, 0.3}}}});
  model.expert(1).SetBlocks({{"coefficients", arma::mat{{-1.0, 2.0}, {-1.5, 1.0}}},
                             {"covariance", arma::mat{{0.3, -0.1}, {-0.1, 0.2}}}});
  Rng rng(seed);
  arma::mat x(n, 2, arma::fill::ones);
  for (arma::uword i = 0; i < n; ++i) x(i, 1) = -2.0 + 4.0 * rng.Uniform();
  const arma::mat ignored(n, 1, arma::fill::zeros);
  const Simulation sim = Simulate(model, Data(ignored, x, x), rng);
  std::ofstream out(path);
  out << "x,y1,y2\n";
  out.precision(10);
  for (arma::uword i = 0; i < n; ++i) out << x(i, 1) << "," << sim.y(i, 0) << "," << sim.y(i, 1) << "\n";
}

class MvnCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::CleanDirectory("mvn_cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    WriteBivariate(dir_ / "data.csv", 600, 5);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  test::CliOutcome Run(const std::string& arguments) const { return test::RunMoest(dir_, arguments); }
  fs::path dir_;
};

TEST_F(MvnCli, FitsACbindResponseAndPredictsAndSimulatesFromTheModelFile) {
  const test::CliOutcome fit =
      Run("fit data.csv -f 'cbind(y1, y2) ~ x' -K 2 --expert mvn --starts 3 --seed 1 -o model.json --quiet");
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  const std::string json = test::ReadWhole(dir_ / "model.json");
  EXPECT_NE(json.find("\"responses\""), std::string::npos);
  EXPECT_NE(json.find("mvn"), std::string::npos);
  const ModelFile file = ReadModelFile((dir_ / "model.json").string());
  EXPECT_EQ(file.responses, (std::vector<std::string>{"y1", "y2"}));
  EXPECT_EQ(file.model.expert(0).ResponseColumns(), 2u);
  EXPECT_EQ(file.formula, "cbind(y1, y2) ~ x");

  const test::CliOutcome summary = Run("summary model.json");
  ASSERT_EQ(summary.exitCode, 0) << summary.err;
  EXPECT_NE(summary.out.find("y2:x"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("cov(y1,y2)"), std::string::npos) << summary.out;

  const test::CliOutcome mean = Run("predict model.json data.csv --type response");
  ASSERT_EQ(mean.exitCode, 0) << mean.err;
  EXPECT_EQ(mean.out.substr(0, mean.out.find('\n')), "mean.y1,mean.y2");
  const test::CliOutcome covariance = Run("predict model.json data.csv --type covariance");
  ASSERT_EQ(covariance.exitCode, 0) << covariance.err;
  EXPECT_EQ(covariance.out.substr(0, covariance.out.find('\n')), "cov.y1.y1,cov.y1.y2,cov.y2.y2");
  const test::CliOutcome density = Run("predict model.json data.csv --type density");
  ASSERT_EQ(density.exitCode, 0) << density.err;
  const test::CliOutcome experts = Run("predict model.json data.csv --type experts");
  ASSERT_EQ(experts.exitCode, 0) << experts.err;
  EXPECT_EQ(experts.out.substr(0, experts.out.find('\n')), "mean.1.y1,mean.1.y2,mean.2.y1,mean.2.y2");

  const test::CliOutcome simulate = Run("simulate model.json --covariates data.csv --seed 3");
  ASSERT_EQ(simulate.exitCode, 0) << simulate.err;
  EXPECT_EQ(simulate.out.substr(0, simulate.out.find('\n')), "x,y1,y2,component");

  // The model file's parameters start a fit on the same data that ends at the same likelihood.
  const test::CliOutcome again =
      Run("fit data.csv -f 'cbind(y1, y2) ~ x' -K 2 --expert mvn --start model.json -o again.json --quiet");
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_NEAR(ReadModelFile((dir_ / "again.json").string()).stats.logLikelihood, file.stats.logLikelihood,
              1e-6 * std::abs(file.stats.logLikelihood));
}

TEST_F(MvnCli, BadInputExitsWithTwoAndSaysWhy) {
  // Another expert family with a cbind response.
  test::CliOutcome out = Run("fit data.csv -f 'cbind(y1, y2) ~ x' -K 2 --expert gaussian");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_NE(out.err.find("--expert mvn"), std::string::npos) << out.err;
  // A dimension that contradicts the formula.
  out = Run("fit data.csv -f 'cbind(y1, y2) ~ x' -K 2 --expert 'mvn(dimension = 3)'");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_NE(out.err.find("dimension = 3"), std::string::npos) << out.err;
  // A response named twice, and a response used as a covariate.
  out = Run("fit data.csv -f 'cbind(y1, y1) ~ x' -K 2 --expert mvn");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_NE(out.err.find("twice"), std::string::npos) << out.err;
  out = Run("fit data.csv -f 'cbind(y1, y2) ~ y2' -K 2 --expert mvn");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_NE(out.err.find("as a covariate"), std::string::npos) << out.err;
  // A NaN in the second response column: the column and row are named.
  std::ofstream(dir_ / "nan.csv") << "x,y1,y2\n0.1,1,2\n0.2,2,nan\n0.3,3,1\n0.5,1,1\n";
  out = Run("fit nan.csv -f 'cbind(y1, y2) ~ x' -K 2 --expert mvn");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_NE(out.err.find("'y2'"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find("row 2"), std::string::npos) << out.err;
  // Covariances of a univariate model.
  ASSERT_EQ(Run("fit data.csv -f 'y1 ~ x' -K 2 -o uni.json --quiet").exitCode, 0);
  out = Run("predict uni.json data.csv --type covariance");
  EXPECT_EQ(out.exitCode, 2);
  EXPECT_NE(out.err.find("mvn"), std::string::npos) << out.err;
}

}  // namespace
}  // namespace moest
