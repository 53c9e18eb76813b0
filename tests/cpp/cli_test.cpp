// Tests of the moest command-line tool: they run the built binary (MOEST_CLI_PATH) in a temporary
// directory per test and check its exit code, stdout, stderr and the files it leaves behind.
#include <cmath>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;

const std::string kCli = MOEST_CLI_PATH;
const std::string kToneData = std::string(MOEST_SOURCE_DIR) + "/datasets/tonedata.csv";
const std::string kToneFormula = "tuned ~ stretchratio";

/** What one run of the command left: its exit code and everything it printed. */
struct RunResult {
  int exitCode = -1;
  std::string out;
  std::string err;
};

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/** `text` as one single-quoted shell word. */
std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::size_t CountFields(const std::string& csvLine) {
  return static_cast<std::size_t>(std::count(csvLine.begin(), csvLine.end(), ',')) + 1;
}

/** A model file's text without the trace's wall-clock times, the only part a seed does not fix. */
std::string WithoutSeconds(const std::string& modelText) {
  std::string kept;
  for (const std::string& line : Lines(modelText)) {
    if (line.find("\"seconds\"") == std::string::npos) kept += line + "\n";
  }
  return kept;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "moest_cli_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }

  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  /** A path inside the test's directory. */
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  void WriteFile(const std::string& name, const std::string& content) const {
    std::ofstream(Path(name), std::ios::binary) << content;
  }

  /** Runs `moest args...` inside the test's directory. */
  RunResult Run(const std::vector<std::string>& args) const {
    std::string command = "cd " + ShellQuote(dir_.string()) + " && OPENBLAS_NUM_THREADS=1 " + ShellQuote(kCli);
    for (const std::string& arg : args) command += " " + ShellQuote(arg);
    command += " >" + ShellQuote(Path(".stdout")) + " 2>" + ShellQuote(Path(".stderr"));
    const int status = std::system(command.c_str());
    RunResult result;
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = ReadText(Path(".stdout"));
    result.err = ReadText(Path(".stderr"));
    fs::remove(Path(".stdout"));
    fs::remove(Path(".stderr"));
    return result;
  }

  /** Fits two experts to the tone data; extra arguments are appended. */
  RunResult FitTone(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"fit", kToneData, "--formula", kToneFormula, "-K", "2", "--starts", "3"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  /** Fits the tone data into model.json and checks that it worked. */
  void FitToneModel() const {
    const RunResult fit = FitTone({"-q", "-o", "model.json"});
    ASSERT_EQ(fit.exitCode, 0) << fit.err;
  }

  /** The names in the test's directory (the fixtures it wrote and what the command left). */
  std::set<std::string> DirectoryEntries() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.insert(entry.path().filename().string());
    return names;
  }

  fs::path dir_;
};

/** Exit code 2 and exactly one line "moest: error: ..." that contains every one of `expected`. */
void ExpectBadInput(const RunResult& result, const std::vector<std::string>& expected) {
  EXPECT_EQ(result.exitCode, 2) << result.err;
  const std::vector<std::string> lines = Lines(result.err);
  ASSERT_EQ(lines.size(), 1u) << result.err;
  EXPECT_EQ(lines[0].rfind("moest: error: ", 0), 0u) << lines[0];
  for (const std::string& piece : expected) EXPECT_NE(lines[0].find(piece), std::string::npos) << lines[0];
}

// --- fit, summary ---------------------------------------------------------------------------------

TEST_F(CliTest, FitWritesModelFileThatSummaryReads) {
  const RunResult fit = FitTone({"-o", "model.json"});
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  EXPECT_NE(fit.out.find("Log-likelihood"), std::string::npos);
  EXPECT_NE(fit.err.find("start 1/3: log-likelihood"), std::string::npos) << fit.err;
  EXPECT_NE(fit.err.find("start 3/3"), std::string::npos) << fit.err;
  ASSERT_TRUE(fs::exists(Path("model.json")));

  const RunResult summary = Run({"summary", "model.json"});
  ASSERT_EQ(summary.exitCode, 0) << summary.err;
  EXPECT_NE(summary.out.find("Mixture of experts: 2 gaussian experts"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("Formula: tuned ~ stretchratio"), std::string::npos) << summary.out;
  EXPECT_EQ(summary.err, "");
}

TEST_F(CliTest, JsonOutputsParse) {
  const RunResult fit = FitTone({"--json", "-o", "model.json"});
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  const nlohmann::json model = nlohmann::json::parse(fit.out);
  EXPECT_TRUE(model.at("fit").at("log_likelihood").is_number());
  EXPECT_EQ(model.at("created_by"), "moest CLI");

  const RunResult summary = Run({"summary", "model.json", "--json"});
  ASSERT_EQ(summary.exitCode, 0) << summary.err;
  EXPECT_EQ(Lines(summary.out).size(), 1u);
  const nlohmann::json compact = nlohmann::json::parse(summary.out);
  EXPECT_EQ(compact.at("log_likelihood"), model.at("fit").at("log_likelihood"));
  EXPECT_EQ(compact.at("K"), 2);
  EXPECT_EQ(compact.at("status"), "converged");
  EXPECT_EQ(compact.at("families").at("expert"), "gaussian");
  for (const char* key : {"formula", "n_parameters", "aic", "bic", "icl", "iterations"}) {
    EXPECT_TRUE(compact.contains(key)) << key;
  }
  EXPECT_EQ(compact.at("parameters").at("experts").size(), 2u);
  EXPECT_TRUE(compact.at("parameters").at("gate").contains("coefficients"));
}

TEST_F(CliTest, QuietFitPrintsNothing) {
  const RunResult fit = FitTone({"-q"});
  EXPECT_EQ(fit.exitCode, 0);
  EXPECT_EQ(fit.out, "");
  EXPECT_EQ(fit.err, "");
}

TEST_F(CliTest, SameSeedGivesTheSameModelFile) {
  ASSERT_EQ(FitTone({"-q", "--seed", "7", "-o", "a.json"}).exitCode, 0);
  ASSERT_EQ(FitTone({"-q", "--seed", "7", "-o", "b.json"}).exitCode, 0);
  const std::string first = ReadText(Path("a.json"));
  EXPECT_NE(first.find("\"seconds\""), std::string::npos);  // else the comparison below proves little
  EXPECT_EQ(WithoutSeconds(first), WithoutSeconds(ReadText(Path("b.json"))));
}

TEST_F(CliTest, TraceFileHasEveryIterationOfEveryStart) {
  ASSERT_EQ(FitTone({"-q", "--trace", "trace.csv"}).exitCode, 0);
  const std::vector<std::string> lines = Lines(ReadText(Path("trace.csv")));
  ASSERT_GT(lines.size(), 3u);
  EXPECT_EQ(lines[0], "start,iteration,log_likelihood,relative_change,seconds,decrease");
  EXPECT_EQ(lines[1].rfind("1,1,", 0), 0u) << lines[1];
  EXPECT_EQ(lines.back().rfind("3,", 0), 0u) << lines.back();
}

TEST_F(CliTest, FitThatDoesNotConvergeExitsOneAndStillWrites) {
  const RunResult fit = FitTone({"-q", "--max-iter", "2", "-o", "model.json"});
  EXPECT_EQ(fit.exitCode, 1);
  EXPECT_NE(fit.err.find("max_iterations"), std::string::npos) << fit.err;
  EXPECT_TRUE(fs::exists(Path("model.json")));
}

TEST_F(CliTest, HelpAndVersionExitZero) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"fit", "--help"}, {"summary", "--help"}, {"predict", "--help"},
        {"simulate", "--help"}}) {
    const RunResult help = Run(args);
    EXPECT_EQ(help.exitCode, 0) << args[0];
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << help.out;
  }
  const RunResult version = Run({"--version"});
  EXPECT_EQ(version.exitCode, 0);
  EXPECT_EQ(version.out.rfind("moest ", 0), 0u) << version.out;
}

// --- predict --------------------------------------------------------------------------------------

TEST_F(CliTest, PredictTypesHaveTheRightShape) {
  FitToneModel();
  const std::vector<std::pair<std::string, std::string>> headers = {{"response", "mean"},
                                                                    {"gate", "gate.1,gate.2"},
                                                                    {"posterior", "posterior.1,posterior.2"},
                                                                    {"density", "density"},
                                                                    {"experts", "mean.1,mean.2"}};
  for (const auto& [type, header] : headers) {
    const RunResult predict = Run({"predict", "model.json", kToneData, "--type", type});
    ASSERT_EQ(predict.exitCode, 0) << type << ": " << predict.err;
    const std::vector<std::string> lines = Lines(predict.out);
    ASSERT_EQ(lines.size(), 151u) << type;  // the header and the 150 rows of tonedata
    EXPECT_EQ(lines[0], header);
    EXPECT_EQ(CountFields(lines[1]), CountFields(header)) << type;
  }
}

TEST_F(CliTest, PredictWritesTheOutputFile) {
  FitToneModel();
  WriteFile("new.csv", "stretchratio\n1.5\n2.5\n");
  const RunResult predict = Run({"predict", "model.json", "new.csv", "--type", "gate", "-o", "gate.csv"});
  ASSERT_EQ(predict.exitCode, 0) << predict.err;
  EXPECT_EQ(predict.out, "");
  const std::vector<std::string> lines = Lines(ReadText(Path("gate.csv")));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "gate.1,gate.2");
}

TEST_F(CliTest, PosteriorNeedsTheResponseColumn) {
  FitToneModel();
  WriteFile("new.csv", "stretchratio\n1.5\n");
  ExpectBadInput(Run({"predict", "model.json", "new.csv", "--type", "posterior"}), {"'tuned'"});
}

TEST_F(CliTest, PredictNamesAMissingCovariate) {
  FitToneModel();
  WriteFile("new.csv", "other\n1.5\n");
  ExpectBadInput(Run({"predict", "model.json", "new.csv"}), {"'stretchratio'"});
}

// --- simulate -------------------------------------------------------------------------------------

TEST_F(CliTest, SimulateWithCovariates) {
  FitToneModel();
  WriteFile("x.csv", "stretchratio\n1.5\n2.0\n2.5\n");
  const RunResult simulate = Run({"simulate", "model.json", "-n", "7", "--seed", "2", "--covariates", "x.csv"});
  ASSERT_EQ(simulate.exitCode, 0) << simulate.err;
  const std::vector<std::string> lines = Lines(simulate.out);
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_EQ(lines[0], "stretchratio,tuned,component");
  EXPECT_EQ(lines[4].rfind("1.5,", 0), 0u) << lines[4];  // the three covariate rows are reused in order
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const char component = lines[i].back();
    EXPECT_TRUE(component == '1' || component == '2') << lines[i];
  }
  const RunResult again = Run({"simulate", "model.json", "-n", "7", "--seed", "2", "--covariates", "x.csv"});
  EXPECT_EQ(again.out, simulate.out);
  const RunResult otherSeed = Run({"simulate", "model.json", "-n", "7", "--seed", "3", "--covariates", "x.csv"});
  EXPECT_NE(otherSeed.out, simulate.out);
}

TEST_F(CliTest, SimulateNeedsCovariatesForAModelThatHasThem) {
  FitToneModel();
  ExpectBadInput(Run({"simulate", "model.json", "-n", "10"}), {"--covariates", "'stretchratio'"});
}

TEST_F(CliTest, SimulateAnInterceptOnlyModelFromNAlone) {
  ASSERT_EQ(Run({"fit", kToneData, "--formula", "tuned ~ 1", "-K", "2", "--starts", "2", "-q", "-o", "m.json"})
                .exitCode,
            0);
  const RunResult simulate = Run({"simulate", "m.json", "-n", "5", "-o", "sim.csv"});
  ASSERT_EQ(simulate.exitCode, 0) << simulate.err;
  const std::vector<std::string> lines = Lines(ReadText(Path("sim.csv")));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "tuned,component");
}

// --- bad input: exit code 2 and one line naming the problem ---------------------------------------

TEST_F(CliTest, MissingColumnInFormula) {
  ExpectBadInput(Run({"fit", kToneData, "--formula", "tuned ~ pitch", "-K", "2"}), {"'pitch'"});
}

TEST_F(CliTest, ZeroComponents) {
  ExpectBadInput(Run({"fit", kToneData, "--formula", kToneFormula, "-K", "0"}), {"-K", "at least 1"});
}

TEST_F(CliTest, ZeroStartsAndNegativeTolerance) {
  ExpectBadInput(FitTone({"--starts", "0"}), {"--starts"});
  ExpectBadInput(FitTone({"--tol", "-1"}), {"--tol"});
}

TEST_F(CliTest, MalformedFormula) {
  ExpectBadInput(Run({"fit", kToneData, "--formula", "tuned stretchratio", "-K", "2"}), {"formula", "'~'"});
}

TEST_F(CliTest, NonexistentDataFile) {
  ExpectBadInput(Run({"fit", "absent.csv", "--formula", kToneFormula, "-K", "2"}), {"absent.csv"});
}

TEST_F(CliTest, GarbageModelFile) {
  WriteFile("model.json", "this is not a model {");
  ExpectBadInput(Run({"summary", "model.json"}), {"model.json", "JSON"});
}

TEST_F(CliTest, ModelFileFromANewerVersion) {
  FitToneModel();
  std::string text = ReadText(Path("model.json"));
  const std::string current = "\"version\": 1";
  ASSERT_NE(text.find(current), std::string::npos);
  text.replace(text.find(current), current.size(), "\"version\": 99");
  WriteFile("model.json", text);
  ExpectBadInput(Run({"summary", "model.json"}), {"version 99"});
}

TEST_F(CliTest, UnknownOption) { ExpectBadInput(FitTone({"--bogus"}), {"--bogus"}); }

TEST_F(CliTest, UnknownSubcommand) { ExpectBadInput(Run({"fitt"}), {"'fitt'"}); }

// A data file with one flaw, the formula and K fitted to it, and what the one-line error must say.
struct BadDataCase {
  std::string name;
  std::string csv;
  std::string formula;
  std::string components;
  std::vector<std::string> expected;
};

/** Test names print the case's name, not its bytes. */
void PrintTo(const BadDataCase& bad, std::ostream* out) { *out << bad.name; }

class CliBadDataTest : public CliTest, public ::testing::WithParamInterface<BadDataCase> {};

TEST_P(CliBadDataTest, ExitsTwoNamingTheProblem) {
  const BadDataCase& bad = GetParam();
  WriteFile("d.csv", bad.csv);
  ExpectBadInput(Run({"fit", "d.csv", "--formula", bad.formula, "-K", bad.components}), bad.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cli, CliBadDataTest,
    ::testing::Values(
        BadDataCase{"HeaderOnly", "y,x\n", "y ~ x", "2", {"d.csv", "no data rows"}},
        BadDataCase{"NonNumericCell", "y,x\n1,2\n2,abc\n3,4\n", "y ~ x", "2", {"'x'", "row 2", "abc"}},
        BadDataCase{"EmptyCell", "y,x\n1,2\n2,\n3,4\n", "y ~ x", "2", {"'x'", "row 2", "empty"}},
        BadDataCase{"NanCell", "y,x\n1,2\n2,3\nNaN,4\n", "y ~ x", "2", {"'y'", "row 3", "nan"}},
        BadDataCase{"InfCell", "y,x\n1,2\n2,Inf\n3,4\n", "y ~ x", "2", {"'x'", "row 2", "inf"}},
        BadDataCase{"FewerRowsThanParameters", "y,x\n1,2\n2,3\n3,5\n4,1\n5,1\n", "y ~ x", "3", {"5 rows"}},
        BadDataCase{"ConstantCovariate", "y,x\n1,3\n2,3\n5,3\n", "y ~ x", "2", {"singular", "'x'"}},
        BadDataCase{"ConstantCovariateInTheGate", "y,x,z\n1,3,7\n2,4,7\n5,1,7\n", "y ~ x | z", "2",
                    {"gate", "singular", "'z'"}},
        BadDataCase{"ConstantResponse", "y,x\n4,1\n4,2\n4,3\n4,4\n4,5\n4,6\n4,7\n4,8\n4,9\n4,10\n", "y ~ x",
                    "2", {"response", "constant"}}),
    [](const ::testing::TestParamInfo<BadDataCase>& info) { return info.param.name; });

// --- nothing is left behind by a fit that fails or is interrupted ---------------------------------

TEST_F(CliTest, FailedFitWritesNoFile) {
  WriteFile("d.csv", "y,x\n1,2\n2,3\n3,5\n4,1\n5,1\n");
  ExpectBadInput(Run({"fit", "d.csv", "--formula", "y ~ x", "-K", "3", "-o", "model.json", "--trace", "t.csv"}),
                 {"rows"});
  EXPECT_EQ(DirectoryEntries(), std::set<std::string>{"d.csv"});
}

TEST_F(CliTest, UnwritableOutputLeavesNoTemporaryFile) {
  fs::create_directory(Path("model.json"));  // a directory cannot be replaced by the model file
  ExpectBadInput(FitTone({"-q", "-o", "model.json"}), {"model.json"});
  EXPECT_EQ(DirectoryEntries(), std::set<std::string>{"model.json"});
}

TEST_F(CliTest, InterruptedFitWritesNothing) {
  // Enough starts to run for tens of seconds, so the fit is surely still running when Ctrl-C comes.
  // (Not millions: every start's outcome is held until the end, which would cost memory and time.)
  const std::vector<std::string> args = {kCli, "fit", kToneData, "--formula", kToneFormula, "-K", "2", "--starts",
                                         "200000", "-o", Path("model.json")};
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, Path("err.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, kCli.c_str(), &files, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  ASSERT_EQ(spawned, 0);

  // Wait until the first start has been reported: the handler is installed by then.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (ReadText(Path("err.txt")).find("start 1/") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_NE(ReadText(Path("err.txt")).find("interrupted"), std::string::npos);
  EXPECT_EQ(DirectoryEntries(), std::set<std::string>{"err.txt"});
}

}  // namespace

namespace {

TEST_F(CliTest, MultinomialExpertsMapATextResponseToClassesAndBack) {
  std::string csv = "g,x\n";
  for (int i = 0; i < 200; ++i) {
    // A deterministic scramble stands in for uniform draws: P(yes) rises with x.
    const double x = -1.0 + 2.0 * i / 199.0;
    const double u = ((i * 7919) % 200) / 200.0;
    csv += std::string(u < 1.0 / (1.0 + std::exp(-(0.5 + 2.0 * x))) ? "yes" : "no") + "," + std::to_string(x) + "\n";
  }
  WriteFile("classes.csv", csv);
  const RunResult fit = Run({"fit", "classes.csv", "-f", "g ~ x | 1", "-K", "1", "--expert", "multinomial", "-q",
                             "-o", "m.json"});
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  EXPECT_NE(ReadText(Path("m.json")).find("\"class_labels\""), std::string::npos);
  const RunResult predict = Run({"predict", "m.json", "classes.csv", "-t", "classes"});
  ASSERT_EQ(predict.exitCode, 0) << predict.err;
  EXPECT_EQ(predict.out.substr(0, predict.out.find('\n')), "prob.no,prob.yes,class");
  WriteFile("unseen.csv", "g,x\nmaybe,0.1\n");
  const RunResult unseen = Run({"predict", "m.json", "unseen.csv", "-t", "posterior"});
  EXPECT_EQ(unseen.exitCode, 2);
  EXPECT_NE(unseen.err.find("class 'maybe' in row 1"), std::string::npos) << unseen.err;
  EXPECT_EQ(Run({"fit", "classes.csv", "-f", "x ~ 1", "-K", "2", "--expert", "t(df = 3)"}).exitCode, 2);
}

}  // namespace

// --- solvers: threads, start parameters, one step, fixed blocks, short EM -------------------------

namespace {

TEST_F(CliTest, OneAndTwoThreadsWriteTheSameModelFile) {
  for (const char* solver : {"em", "em+mle"}) {
    const RunResult one = FitTone({"--seed", "6", "--solver", solver, "--threads", "1", "-q", "-o", "one.json"});
    const RunResult two = FitTone({"--seed", "6", "--solver", solver, "--threads", "2", "-q", "-o", "two.json"});
    ASSERT_EQ(one.exitCode, 0) << one.err;
    ASSERT_EQ(two.exitCode, 0) << two.err;
    const std::string a = ReadText(Path("one.json")), b = ReadText(Path("two.json"));
    EXPECT_NE(a.find("\"seconds\""), std::string::npos);  // the only field masked below
    EXPECT_EQ(WithoutSeconds(a), WithoutSeconds(b)) << solver;
  }
  ExpectBadInput(FitTone({"--threads", "-1"}), {"--threads"});
}

TEST_F(CliTest, OneStepFromAStartModelFile) {
  FitToneModel();
  const RunResult step = FitTone({"--start", "model.json", "--one-step", "-o", "step.json", "--json"});
  ASSERT_EQ(step.exitCode, 0) << step.err;
  EXPECT_NE(step.err.find("one-step mode"), std::string::npos) << step.err;
  const nlohmann::json stepped = nlohmann::json::parse(ReadText(Path("step.json")));
  EXPECT_EQ(stepped["fit"]["iterations"], 1);
  // From a converged fit one more EM step changes the log-likelihood by (almost) nothing.
  const nlohmann::json start = nlohmann::json::parse(ReadText(Path("model.json")));
  const double before = start["fit"]["log_likelihood"], after = stepped["fit"]["log_likelihood"];
  EXPECT_NEAR(after, before, 1e-6 * std::abs(before));
  EXPECT_GE(after, before - 1e-9 * std::abs(before));
  // A full fit from the same start converges to the same optimum.
  ASSERT_EQ(FitTone({"--start", "model.json", "-q", "-o", "again.json"}).exitCode, 0);
}

TEST_F(CliTest, StartModelsOfAnotherShapeAreRefused) {
  FitToneModel();
  ExpectBadInput(Run({"fit", kToneData, "--formula", kToneFormula, "-K", "3", "--start", "model.json"}),
                 {"K = 2", "K = 3"});
  ExpectBadInput(Run({"fit", kToneData, "--formula", "tuned ~ 1", "-K", "2", "--start", "model.json"}),
                 {"--start model.json", "expert terms"});
  ExpectBadInput(FitTone({"--start", "model.json", "--gate", "laplace"}), {"gate 'softmax'", "laplace"});
  ExpectBadInput(FitTone({"--one-step"}), {"one-step mode needs start parameters"});
  WriteFile("broken.json", "{\"format\": ");
  EXPECT_EQ(FitTone({"--start", "broken.json"}).exitCode, 2);
}

TEST_F(CliTest, FixedBlocksKeepTheirValuesInTheModelFile) {
  FitToneModel();
  const RunResult fixed = FitTone({"--start", "model.json", "--fix", "gate", "--fix", "expert2.sigma", "-q", "-o",
                                   "fixed.json"});
  ASSERT_EQ(fixed.exitCode, 0) << fixed.err;
  const nlohmann::json start = nlohmann::json::parse(ReadText(Path("model.json")));
  const nlohmann::json held = nlohmann::json::parse(ReadText(Path("fixed.json")));
  EXPECT_EQ(held["gate"]["parameters"], start["gate"]["parameters"]);
  EXPECT_EQ(held["experts"][1]["parameters"]["sigma"], start["experts"][1]["parameters"]["sigma"]);
  ExpectBadInput(FitTone({"--start", "model.json", "--fix", "expert3"}), {"expert3", "experts 1 to 2"});
  ExpectBadInput(FitTone({"--start", "model.json", "--fix", "expert1.nu"}), {"no block 'nu'"});
  ExpectBadInput(FitTone({"--fix", "gate"}), {"needs start parameters"});
}

TEST_F(CliTest, ShortEmStartsAreReproducible) {
  const RunResult a = FitTone({"--start-method", "short-em", "--short-em-runs", "4", "-q", "-o", "a.json"});
  const RunResult b = FitTone({"--start-method", "short-em", "--short-em-runs", "4", "-q", "-o", "b.json",
                               "--threads", "2"});
  ASSERT_EQ(a.exitCode, 0) << a.err;
  ASSERT_EQ(b.exitCode, 0) << b.err;
  EXPECT_EQ(WithoutSeconds(ReadText(Path("a.json"))), WithoutSeconds(ReadText(Path("b.json"))));
}

}  // namespace

// --- select ------------------------------------------------------------------------------------------

namespace {

TEST_F(CliTest, SelectRanksKByTheCriterionAndWritesTheBest) {
  const RunResult select = Run({"select", kToneData, "-f", kToneFormula, "-K", "1:3", "--starts", "2", "-q", "-o",
                                "best.json"});
  ASSERT_EQ(select.exitCode, 0) << select.err;
  EXPECT_NE(select.out.find("Model selection by BIC (smaller is better)"), std::string::npos) << select.out;
  const std::vector<std::string> lines = Lines(select.out);
  ASSERT_EQ(lines.size(), 5u) << select.out;  // title, header, three models
  const nlohmann::json best = nlohmann::json::parse(ReadText(Path("best.json")));
  const RunResult json = Run({"select", kToneData, "-f", kToneFormula, "-K", "1:3", "--starts", "2", "-q", "--json"});
  const nlohmann::json ranking = nlohmann::json::parse(json.out);
  ASSERT_EQ(ranking["models"].size(), 3u);
  EXPECT_EQ(best["K"], ranking["models"][0]["K"]);
  EXPECT_LE(ranking["models"][0]["value"].get<double>(), ranking["models"][1]["value"].get<double>());
  EXPECT_LE(ranking["models"][1]["value"].get<double>(), ranking["models"][2]["value"].get<double>());
  EXPECT_EQ(ranking["models"][0]["K"], 2);  // the tone data's two lines
}

TEST_F(CliTest, SelectRefusesAKRangeBeyondTheData) {
  WriteFile("small.csv", "y,x\n1,0\n2,1\n0.5,2\n3,3\n2.2,4\n1.1,5\n4,6\n3.3,7\n");
  ExpectBadInput(Run({"select", "small.csv", "-f", "y ~ x", "-K", "1:3"}), {"K = 2", "free parameters", "8 rows"});
  ExpectBadInput(Run({"select", "small.csv", "-f", "y ~ x", "-K", "3:1"}), {"-K '3:1'"});
  ExpectBadInput(Run({"select", "small.csv", "-f", "y ~ x", "-K", "a"}), {"not a whole number"});
}

}  // namespace
