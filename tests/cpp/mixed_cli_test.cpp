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

#include <cmath>

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

TEST_F(MixedCli, PredictOnAMixedModelIsConditionalForSeenGroupsAndPopulationOtherwise) {
  ASSERT_EQ(Run({"fit", "grouped.csv", "--formula", "y ~ x", "-K", "2", "--group", "school", "--starts", "2", "-q",
                 "-o", "model.json"})
                .exitCode,
            0);
  // School 10 is in the fit, school 7 is not: the same x gives different means for 10 only.
  std::ofstream(dir_ / "new.csv") << "x,school\n0.25,10\n0.25,7\n";
  const Outcome conditional = Run({"predict", "model.json", "new.csv"});
  ASSERT_EQ(conditional.exitCode, 0) << conditional.err;
  const Outcome population = Run({"predict", "model.json", "new.csv", "--level", "population"});
  ASSERT_EQ(population.exitCode, 0) << population.err;
  const auto values = [](const std::string& csv) {
    std::vector<double> out;
    std::size_t begin = csv.find('\n') + 1;
    while (begin < csv.size()) {
      const std::size_t end = csv.find('\n', begin);
      out.push_back(std::stod(csv.substr(begin, end - begin)));
      begin = end == std::string::npos ? csv.size() : end + 1;
    }
    return out;
  };
  const std::vector<double> c = values(conditional.out), p = values(population.out);
  ASSERT_EQ(c.size(), 2u) << conditional.out;
  ASSERT_EQ(p.size(), 2u) << population.out;
  EXPECT_EQ(c[1], p[1]);          // an unseen group falls back to the population level
  EXPECT_EQ(p[0], p[1]);          // population level: the group does not matter
  EXPECT_GT(std::abs(c[0] - p[0]), 1e-4);
  const Outcome gate = Run({"predict", "model.json", "new.csv", "--type", "gate"});
  ASSERT_EQ(gate.exitCode, 0) << gate.err;
  EXPECT_EQ(gate.out.substr(0, gate.out.find('\n')), "gate.1,gate.2");
  // Bad input: no group column for conditional predictions, a missing id, an unsupported type.
  std::ofstream(dir_ / "nogroup.csv") << "x\n0.25\n";
  Outcome bad = Run({"predict", "model.json", "nogroup.csv"});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("need the group column 'school'"), std::string::npos) << bad.err;
  EXPECT_EQ(Run({"predict", "model.json", "nogroup.csv", "--level", "population"}).exitCode, 0);
  std::ofstream(dir_ / "gap.csv") << "x,school\n0.25,10\n0.5,\n";
  bad = Run({"predict", "model.json", "gap.csv"});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("group column 'school' has a missing value (empty or NA) in row 2"), std::string::npos)
      << bad.err;
  bad = Run({"predict", "model.json", "new.csv", "--type", "posterior"});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("not available for mixed-effects models"), std::string::npos) << bad.err;
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
  EXPECT_NE(result.err.find("group column 'school' has a single group ('a')"), std::string::npos) << result.err;
  // Groups are named by their labels in the file, not by an internal index.
  std::ofstream(dir_ / "labelled.csv") << "y,x,school\n1,0.1,north\n2,0.2,north\n3,0.3,south\n1,0.5,south\n"
                                           "5,0.1,west\n2,1,west\n4,0.6,east\n3,0.8,east\n6,0.7,north\n"
                                           "2,0.9,south\n1,0.4,west\n7,0.2,east\n";
  result = Run({"fit", "labelled.csv", "--formula", "y ~ x | x", "-K", "2", "--group", "school", "--random",
                "expert"});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.err.find("varies within group 'east' of 'school' (rows 7 and 8)"), std::string::npos)
      << result.err;
  result = Run({"fit", "grouped.csv", "--formula", "y ~ x", "-K", "2", "--group", "nosuch"});
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_NE(result.err.find("nosuch"), std::string::npos) << result.err;
}

}  // namespace
