// Mixed-effects fits through the command line: `moest fit --group`, the model file's random-effects
// section read back by `moest summary`, and clear errors for bad group columns.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mixed_support.hpp"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exitCode = -1;
  std::string out, err;
};

class MixedCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moest-mixed-cli-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(::getpid()));
    fs::create_directories(dir_);
    const moest::test::GroupedData d = moest::test::SimulateGateRandom(30, 10, 0.3, 1.5, 1.2, 3);
    arma::mat table = arma::join_rows(d.y, d.x.col(1), arma::conv_to<arma::vec>::from(d.group));
    std::ofstream(dir_ / "grouped.csv") << moest::FormatCsv({"y", "x", "school"}, table);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  static std::string Slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  Outcome Run(const std::vector<std::string>& args) const {
    std::string command = "cd '" + dir_.string() + "' && OPENBLAS_NUM_THREADS=1 '" + std::string(MOEST_CLI_PATH) + "'";
    for (const std::string& arg : args) command += " '" + arg + "'";
    command += " >out.txt 2>err.txt";
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(dir_ / "out.txt"), Slurp(dir_ / "err.txt")};
  }
  fs::path dir_;
};

TEST_F(MixedCli, GatePlacementWritesAVersion2ModelThatSummaryReads) {
  const Outcome fit = Run({"fit", "grouped.csv", "--formula", "y ~ x", "-K", "2", "--group", "school",
                           "--quadrature", "11", "--starts", "2", "-o", "model.json"});
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  EXPECT_NE(fit.out.find("Random effects (gate, groups: school, 30 groups; adaptive Gauss-Hermite, 11 nodes"),
            std::string::npos)
      << fit.out;
  const std::string json = Slurp(dir_ / "model.json");
  EXPECT_NE(json.find("\"version\": 2"), std::string::npos);
  EXPECT_NE(json.find("\"random_effects\""), std::string::npos);
  const Outcome summary = Run({"summary", "model.json"});
  ASSERT_EQ(summary.exitCode, 0) << summary.err;
  EXPECT_NE(summary.out.find("logit variance (vs Comp.1)"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("u.1"), std::string::npos) << summary.out;
}

TEST_F(MixedCli, ExpertPlacementPrintsVarianceComponents) {
  const Outcome fit = Run({"fit", "grouped.csv", "--formula", "y ~ x | 1", "-K", "2", "--group", "school",
                           "--random", "expert", "--starts", "2"});
  ASSERT_LE(fit.exitCode, 1) << fit.err;
  EXPECT_NE(fit.out.find("Random effects (expert, groups: school, 30 groups)"), std::string::npos) << fit.out;
  EXPECT_NE(fit.out.find("(Intercept) variance"), std::string::npos) << fit.out;
}

TEST_F(MixedCli, BadGroupColumnsAreClearErrors) {
  std::ofstream(dir_ / "missing.csv") << "y,x,school\n1,0.1,a\n2,0.2,\n3,0.3,b\n1,0.5,b\n";
  Outcome result = Run({"fit", "missing.csv", "--formula", "y ~ x", "-K", "2", "--group", "school"});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.err.find("group column 'school' has a missing value (empty or NA) in row 2"), std::string::npos)
      << result.err;
  std::ofstream(dir_ / "one.csv") << "y,x,school\n1,0.1,a\n2,0.2,a\n3,0.3,a\n1,0.5,a\n5,0.1,a\n2,1,a\n4,0.7,a\n3,0.2,a\n6,0.9,a\n"
                                       "1,0.4,a\n2,0.6,a\n7,0.3,a\n";
  result = Run({"fit", "one.csv", "--formula", "y ~ x | 1", "-K", "2", "--group", "school"});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.err.find("group column 'school' has a single group"), std::string::npos) << result.err;
  result = Run({"fit", "grouped.csv", "--formula", "y ~ x", "-K", "2", "--group", "nosuch"});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.err.find("nosuch"), std::string::npos) << result.err;
}

}  // namespace
