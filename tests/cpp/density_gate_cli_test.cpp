// The density gates through the command-line tool: a fit that reports both log-likelihoods, a model
// file that summary and predict read back, and a clear error for a categorical gate covariate.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

const std::string kCli = MOEST_CLI_PATH;
const std::string kToneData = std::string(MOEST_SOURCE_DIR) + "/datasets/tonedata.csv";

struct Outcome {
  int exitCode = -1;
  std::string out, err;
};

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class DensityGateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moest-density-cli-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
            "-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  Outcome Run(const std::vector<std::string>& args) const {
    std::string command = "cd '" + dir_.string() + "' && OPENBLAS_NUM_THREADS=1 '" + kCli + "'";
    for (const std::string& arg : args) command += " '" + arg + "'";
    command += " >out.txt 2>err.txt";
    const int status = std::system(command.c_str());
    Outcome outcome;
    outcome.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    outcome.out = Slurp(dir_ / "out.txt");
    outcome.err = Slurp(dir_ / "err.txt");
    return outcome;
  }

  fs::path dir_;
};

TEST_F(DensityGateCli, FitReportsTheJointAndTheConditionalLogLikelihood) {
  for (const std::string gate : {"gaussian_density", "t_density(nu = 5)", "laplace_density"}) {
    SCOPED_TRACE(gate);
    const Outcome fit = Run({"fit", kToneData, "--formula", "tuned ~ stretchratio", "-K", "2", "--starts", "2",
                             "--gate", gate, "-o", "model.json"});
    ASSERT_EQ(fit.exitCode, 0) << fit.err;
    EXPECT_NE(fit.out.find("joint"), std::string::npos) << fit.out;
    EXPECT_NE(fit.out.find("conditional"), std::string::npos) << fit.out;
    const Outcome summary = Run({"summary", "model.json"});
    ASSERT_EQ(summary.exitCode, 0) << summary.err;
    EXPECT_NE(summary.out.find("pi"), std::string::npos) << summary.out;
    const Outcome predict = Run({"predict", "model.json", kToneData});
    EXPECT_EQ(predict.exitCode, 0) << predict.err;
  }
}

TEST_F(DensityGateCli, CategoricalGateCovariateIsAClearError) {
  std::ofstream(dir_ / "data.csv") << "y,x,colour\n1.0,0.5,red\n2.0,1.5,blue\n0.5,0.2,red\n1.7,1.1,blue\n"
                                      "0.9,0.3,red\n2.2,1.9,blue\n";
  const Outcome fit = Run({"fit", "data.csv", "--formula", "y ~ x | colour", "-K", "2", "--gate", "gaussian_density"});
  EXPECT_EQ(fit.exitCode, 2) << fit.err;
  EXPECT_NE(fit.err.find("colour"), std::string::npos) << fit.err;
}

TEST_F(DensityGateCli, InterceptOnlyGateAndBadDegreesOfFreedomAreClearErrors) {
  const Outcome interceptOnly = Run({"fit", kToneData, "--formula", "tuned ~ stretchratio | 1", "-K", "2",
                                     "--gate", "gaussian_density"});
  EXPECT_EQ(interceptOnly.exitCode, 2) << interceptOnly.err;
  EXPECT_NE(interceptOnly.err.find("intercept"), std::string::npos) << interceptOnly.err;
  const Outcome badNu = Run({"fit", kToneData, "--formula", "tuned ~ stretchratio", "-K", "2", "--gate",
                             "t_density(nu = 0)"});
  EXPECT_EQ(badNu.exitCode, 2) << badNu.err;
  EXPECT_NE(badNu.err.find("nu"), std::string::npos) << badNu.err;
}

}  // namespace
