// `moest rates` run as a user would: the preset list, a tiny study, and bad input.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace {

struct Outcome {
  int exitCode = -1;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Outcome RunRates(const std::string& arguments) {
  // Names of this test and process: ctest runs the tests of this file in parallel processes.
  const std::string stem = ::testing::TempDir() + "rates_cli_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           std::to_string(::getpid());
  const std::string out = stem + ".out", err = stem + ".err";
  const std::string command = std::string("OPENBLAS_NUM_THREADS=1 ") + MOEST_CLI_PATH + " rates " + arguments + " >" + out +
                              " 2>" + err;
  const int status = std::system(command.c_str());
  Outcome outcome{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(out), Slurp(err)};
  std::remove(out.c_str());
  std::remove(err.c_str());
  return outcome;
}

TEST(RatesCli, ListsThePresetsWithTheirPublishedSlopes) {
  const Outcome listed = RunRates("--list");
  EXPECT_EQ(listed.exitCode, 0);
  EXPECT_NE(listed.out.find("softmax-exact"), std::string::npos);
  EXPECT_NE(listed.out.find("-0.638"), std::string::npos);
  EXPECT_NE(listed.out.find("gaussian-gate-type2-d2"), std::string::npos);
}

TEST(RatesCli, RunsATinyStudyAndPrintsTheSlopeTable) {
  const std::string csv = ::testing::TempDir() + "rates_cli.csv";
  const Outcome run = RunRates("--preset softmax-exact --sizes 200 400 800 --replicates 1 --threads 1 -q -o " + csv);
  EXPECT_EQ(run.exitCode, 0) << run.err;
  EXPECT_NE(run.out.find("slope(mean)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("D1"), std::string::npos);
  const std::string text = Slurp(csv);
  EXPECT_EQ(text.rfind("n,K,replicate,status,iterations,log_likelihood,D1,D2,weight,", 0), 0u) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  std::remove(csv.c_str());
}

TEST(RatesCli, BadInputExitsWithCodeTwo) {
  const Outcome unknown = RunRates("--preset nope");
  EXPECT_EQ(unknown.exitCode, 2);
  EXPECT_NE(unknown.err.find("unknown rates preset 'nope'"), std::string::npos) << unknown.err;
  EXPECT_EQ(RunRates("").exitCode, 2);
  EXPECT_EQ(RunRates("--preset softmax-exact --resume").exitCode, 2);
  EXPECT_EQ(RunRates("--preset softmax-exact --sizes 5").exitCode, 2);
}

}  // namespace
