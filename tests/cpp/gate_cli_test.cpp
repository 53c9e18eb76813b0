// The conditional gate families through the command line: --gate with options, the summary, the model
// file's gate spec, and clear errors for bad options.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;

const std::string kCli = MOEST_CLI_PATH;
const std::string kToneData = std::string(MOEST_SOURCE_DIR) + "/datasets/tonedata.csv";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Outcome {
  int exitCode = -1;
  std::string out, err;
};

/** Runs `moest <arguments>` (already shell-quoted) in `directory`, capturing both streams. */
Outcome RunCli(const fs::path& directory, const std::string& arguments) {
  const std::string command = "cd '" + directory.string() + "' && OPENBLAS_NUM_THREADS=1 '" + kCli + "' " +
                              arguments + " > out.txt 2> err.txt";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = Slurp(directory / "out.txt");
  outcome.err = Slurp(directory / "err.txt");
  return outcome;
}

fs::path FreshDirectory(const std::string& name) {
  const fs::path directory = fs::temp_directory_path() / ("moest_gate_cli_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  return directory;
}

TEST(GateCli, FitsEveryConditionalGateAndStoresItsSpec) {
  const fs::path directory = FreshDirectory("families");
  for (const std::string gate : {"softmax(temperature = 0.5)", "softmax(top_k = 2, top_k_bias = after)",
                                 "softmax(transform = tanh)", "laplace", "gaussian_kernel", "probit"}) {
    const Outcome outcome = RunCli(directory, "fit '" + kToneData + "' --formula 'tuned ~ stretchratio' -K 2 "
                                              "--seed 1 --starts 2 -q -o model.json --gate '" + gate + "'");
    EXPECT_LE(outcome.exitCode, 1) << gate << ": " << outcome.err;
    const nlohmann::json model = nlohmann::json::parse(Slurp(directory / "model.json"));
    const Outcome summary = RunCli(directory, "summary model.json");
    EXPECT_EQ(summary.exitCode, 0) << gate << ": " << summary.err;
    EXPECT_NE(summary.out.find(gate.substr(0, gate.find('('))), std::string::npos) << summary.out;
    EXPECT_NE(summary.out.find("Gate"), std::string::npos) << summary.out;
    // The model file rebuilds the same gate: predicting from it works.
    const Outcome predict = RunCli(directory, "predict model.json '" + kToneData + "' --type gate");
    EXPECT_EQ(predict.exitCode, 0) << gate << ": " << predict.err;
  }
  fs::remove_all(directory);
}

TEST(GateCli, BadGateOptionsAreOneLineErrorsWithExitCode2) {
  const fs::path directory = FreshDirectory("errors");
  const std::string fit = "fit '" + kToneData + "' --formula 'tuned ~ stretchratio' -K 2 -q --gate ";
  const Outcome topK = RunCli(directory, fit + "'softmax(top_k = 3)'");
  EXPECT_EQ(topK.exitCode, 2);
  EXPECT_NE(topK.err.find("top_k"), std::string::npos) << topK.err;
  const Outcome temperature = RunCli(directory, fit + "'softmax(temperature = 0)'");
  EXPECT_EQ(temperature.exitCode, 2);
  EXPECT_NE(temperature.err.find("temperature"), std::string::npos) << temperature.err;
  const Outcome transform = RunCli(directory, fit + "'softmax(transform = cube)'");
  EXPECT_EQ(transform.exitCode, 2);
  EXPECT_NE(transform.err.find("cube"), std::string::npos) << transform.err;
  const Outcome family = RunCli(directory, fit + "'logistic'");
  EXPECT_EQ(family.exitCode, 2);
  EXPECT_NE(family.err.find("logistic"), std::string::npos) << family.err;
  fs::remove_all(directory);
}

}  // namespace
