// The command line's --em-variant, --gate-steps and --se options: accepted values reach the model file and the
// summary, others are refused with exit code 2 naming the option.
#include <gtest/gtest.h>

#include <string>

#include "cli_process_support.hpp"

namespace moest {
namespace {

// `moest fit` on tonedata with `options` added, in a fresh directory named `name`.
test::CliOutcome FitToneData(const std::string& name, const std::string& options) {
  const std::filesystem::path dir = test::CleanDirectory(name);
  const std::string data = std::string(MOEST_SOURCE_DIR) + "/datasets/tonedata.csv";
  return test::RunMoest(dir, "fit '" + data + "' -f 'tuned ~ stretchratio' -K 2 --seed 1 --starts 2 --threads 1 " +
                                 options + " -o m.json");
}

std::string ModelText(const std::string& name) {
  return test::ReadWhole(std::filesystem::temp_directory_path() /
                         ("moest_" + name + "_" + std::to_string(::getpid())) / "m.json");
}

TEST(Sandwich, CliOption) {
  const test::CliOutcome ok = FitToneData("sandwich_cli", "--se sandwich");
  EXPECT_EQ(ok.exitCode, 0) << ok.err;
  EXPECT_NE(ok.out.find("sandwich estimator"), std::string::npos) << ok.out;
  EXPECT_NE(ModelText("sandwich_cli").find("\"observed_vcov\""), std::string::npos);
  const test::CliOutcome bad = FitToneData("sandwich_cli_bad", "--se robust");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("--se"), std::string::npos) << bad.err;
}

// --se none: the fit and its log-likelihood are the same, the summary says why no standard errors.
TEST(StandardErrorsNone, CliOption) {
  const test::CliOutcome none = FitToneData("se_none_cli", "--se none");
  EXPECT_EQ(none.exitCode, 0) << none.err;
  EXPECT_NE(none.out.find("se = none was asked for"), std::string::npos) << none.out;
  const std::string bare = ModelText("se_none_cli");
  const test::CliOutcome observed = FitToneData("se_observed_cli", "--se observed");
  EXPECT_EQ(observed.exitCode, 0) << observed.err;
  const std::string full = ModelText("se_observed_cli");
  const auto logLik = [](const std::string& text) {
    const std::size_t at = text.find("\"log_likelihood\"");
    return text.substr(at, text.find(',', at) - at);
  };
  EXPECT_EQ(logLik(bare), logLik(full));
  EXPECT_NE(bare.find("\"method\": \"none\""), std::string::npos);
  EXPECT_NE(bare.find("\"vcov\": []"), std::string::npos);
}

// --gate-steps: one Newton step per EM iteration (the default) and solved M-steps (0) reach the same
// maximum; a negative count is refused naming the option.
TEST(GateSteps, CliOption) {
  const test::CliOutcome one = FitToneData("gate_steps_one", "--gate-steps 1");
  EXPECT_EQ(one.exitCode, 0) << one.err;
  const test::CliOutcome solved = FitToneData("gate_steps_solved", "--gate-steps 0");
  EXPECT_EQ(solved.exitCode, 0) << solved.err;
  const auto logLik = [](const std::string& name) {
    const std::string text = ModelText(name);
    const std::size_t at = text.find("\"log_likelihood\": ") + 18;
    return std::stod(text.substr(at, text.find(',', at) - at));
  };
  EXPECT_NEAR(logLik("gate_steps_one"), logLik("gate_steps_solved"), 1e-5);
  const test::CliOutcome bad = FitToneData("gate_steps_bad", "--gate-steps -1");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("--gate-steps"), std::string::npos) << bad.err;
}

TEST(EmVariant, CliOption) {
  const test::CliOutcome ok = FitToneData("em_variant_cli", "--em-variant classification");
  EXPECT_EQ(ok.exitCode, 0) << ok.err;
  EXPECT_NE(ok.out.find("classification EM"), std::string::npos) << ok.out;
  EXPECT_NE(ModelText("em_variant_cli").find("\"em_variant\": \"classification\""), std::string::npos);
  const test::CliOutcome bad = FitToneData("em_variant_cli_bad", "--em-variant hard");
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("--em-variant"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace moest
