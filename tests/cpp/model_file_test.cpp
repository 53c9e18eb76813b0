#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"

namespace moest {
namespace {

namespace fs = std::filesystem;

ModelFile FittedFile() {
  const Model truth = test::MakeLinearModel({{0, 0}, {0.5, 4.0}}, {{{1.0, 2.0, 0.3}}, {{-1.0, -1.5, 0.5}}});
  const auto sim = test::SimulateLinear(truth, 400, 9);
  FitOptions options;
  options.starts = 3;
  SilentObserver silent;
  return test::LinearModelFile(Fit(truth, sim.View(), options, silent));
}

fs::path TempDir() {
  const fs::path dir = fs::temp_directory_path() / ("moest-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                                    "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string ErrorOf(const std::string& text) {
  try {
    ModelFromJson(text, "m.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ModelFile, JsonRoundTripKeepsEveryParameterExactly) {
  const ModelFile file = FittedFile();
  const ModelFile back = ModelFromJson(ModelToJson(file), "memory");
  EXPECT_TRUE(arma::all(back.model.gate().Pack() == file.model.gate().Pack()));
  for (arma::uword k = 0; k < 2; ++k) {
    EXPECT_TRUE(arma::all(back.model.expert(k).Pack() == file.model.expert(k).Pack()));
  }
  EXPECT_EQ(back.stats.logLikelihood, file.stats.logLikelihood);
  EXPECT_EQ(back.stats.trace.size(), file.stats.trace.size());
  EXPECT_EQ(back.stats.status, file.stats.status);
  EXPECT_EQ(back.formula, "y ~ x");
  EXPECT_EQ(back.gateTerms, file.gateTerms);
  EXPECT_EQ(ModelToJson(back), ModelToJson(file));
}

TEST(ModelFile, HoldsTheFitStatisticsByName) {
  const std::string json = ModelToJson(FittedFile());
  for (const char* key : {"\"log_likelihood\"", "\"n_parameters\"", "\"aic\"", "\"bic\"", "\"icl\"", "\"iterations\"",
                          "\"status\"", "\"version\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key;
  }
}

TEST(ModelFile, NewerVersionIsRefusedWithAnUpgradeHint) {
  std::string json = ModelToJson(FittedFile());
  json.replace(json.find("\"version\": 1"), 12, "\"version\": 99");
  const std::string message = ErrorOf(json);
  EXPECT_NE(message.find("version 99"), std::string::npos);
  EXPECT_NE(message.find("upgrade"), std::string::npos);
}

TEST(ModelFile, GarbageAndForeignJsonAreClearErrors) {
  EXPECT_NE(ErrorOf("{ not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\": 1}").find("not a moest model file"), std::string::npos);
  std::string json = ModelToJson(FittedFile());
  json.replace(json.find("\"sigma\""), 7, "\"sigmo\"");
  EXPECT_NE(ErrorOf(json).find("sigma"), std::string::npos);
}

TEST(ModelFile, OutOfRangeCountsAreRefusedNotWrapped) {
  std::string json = ModelToJson(FittedFile());
  json.replace(json.find("\"K\": 2"), 6, "\"K\": 4294967298");
  EXPECT_NE(ErrorOf(json).find("'K'"), std::string::npos);
}

TEST(ModelFile, MessagesNameTheFileOnce) {
  std::string json = ModelToJson(FittedFile());
  json.replace(json.find("\"sigma\""), 7, "\"sigmo\"");
  const std::string message = ErrorOf(json);
  EXPECT_EQ(message.find("m.json"), message.rfind("m.json")) << message;
  std::string status = ModelToJson(FittedFile());
  status.replace(status.find("\"converged\""), 11, "\"fine\"");
  EXPECT_NE(ErrorOf(status).find("m.json"), std::string::npos);
}

TEST(ModelFile, WritesAtomicallyAndReadsBack) {
  const fs::path dir = TempDir();
  const std::string path = (dir / "model.json").string();
  WriteModelFile(FittedFile(), path);
  EXPECT_EQ(ReadModelFile(path).stats.n, 400u);
  int entries = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1);  // no temporary left behind
  fs::remove_all(dir);
}

TEST(ModelFile, UnwritableAndUnreadablePathsAreInputErrors) {
  EXPECT_THROW(WriteModelFile(FittedFile(), "/nonexistent-dir/model.json"), InputError);
  EXPECT_THROW(ReadModelFile("/nonexistent-dir/model.json"), InputError);
}

TEST(ModelFile, SummaryReadsLikeAModelSummary) {
  const std::string text = SummaryText(FittedFile());
  for (const char* part : {"Gate coefficients", "Expert parameters", "(Intercept)", "sigma", "Log-likelihood",
                           "AIC", "BIC", "smaller is better", "Status: converged"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part;
  }
}

}  // namespace
}  // namespace moest
