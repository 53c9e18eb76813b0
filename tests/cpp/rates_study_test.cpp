#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "moest/io/atomic_write.hpp"
#include "moest/rates/presets.hpp"
#include "moest/rates/slopes.hpp"
#include "moest/rates/study.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

RatesPreset Small(std::vector<arma::uword> sizes = {200, 400}, int replicates = 2) {
  RatesPreset preset = GetRatesPreset("softmax-exact", true);
  preset.options.sizes = sizes;
  preset.options.replicates = replicates;
  return preset;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(RatesStudy, SameCsvForOneAndTwoThreads) {
  RatesPreset preset = Small();
  SilentObserver observer;
  preset.options.threads = 1;
  const StudyTable one = RunRatesStudy(preset.truth, preset.options, observer);
  preset.options.threads = 2;
  const StudyTable two = RunRatesStudy(preset.truth, preset.options, observer);
  ASSERT_EQ(one.rows.size(), 4u);
  EXPECT_EQ(one.Csv(), two.Csv());
  EXPECT_EQ(one.columns[6], "D1");
  EXPECT_NE(one.rows[0].find("200,2,1,converged,"), std::string::npos) << one.rows[0];
}

TEST(RatesStudy, OneStepModeRunsOneIteration) {
  RatesPreset preset = GetRatesPreset("gaussian-gate-type1-d1", true);
  preset.options.sizes = {300};
  preset.options.replicates = 1;
  preset.options.fittedK = {4};
  SilentObserver observer;
  const StudyTable table = RunRatesStudy(preset.truth, preset.options, observer);
  ASSERT_EQ(table.rows.size(), 1u);
  EXPECT_NE(table.rows[0].find("300,4,1,one_step,1,"), std::string::npos) << table.rows[0];
}

TEST(RatesStudy, ResumeSkipsFinishedRowsAndGivesTheSameFile) {
  const std::string path = ::testing::TempDir() + "rates_resume.csv";
  RatesPreset preset = Small();
  preset.options.outputPath = path;
  SilentObserver observer;
  const StudyTable full = RunRatesStudy(preset.truth, preset.options, observer);
  const std::string complete = ReadAll(path);
  EXPECT_EQ(complete, full.Csv());
  // Keep the header and the first two rows only, as an interrupted run leaves them.
  WriteFileAtomically(path, StudyTable{full.columns, {full.rows[0], full.rows[1]}, 0, false}.Csv());
  preset.options.resume = true;
  const StudyTable resumed = RunRatesStudy(preset.truth, preset.options, observer);
  EXPECT_EQ(resumed.resumed, 2u);
  EXPECT_EQ(ReadAll(path), complete);
  std::remove(path.c_str());
}

TEST(RatesStudy, ResumeRefusesAFileOfOtherColumns) {
  const std::string path = ::testing::TempDir() + "rates_other.csv";
  WriteFileAtomically(path, "a,b\n1,2\n");
  RatesPreset preset = Small();
  preset.options.outputPath = path;
  preset.options.resume = true;
  SilentObserver observer;
  EXPECT_NE(test::ErrorOf([&] { RunRatesStudy(preset.truth, preset.options, observer); }).find("other columns"),
            std::string::npos);
  std::remove(path.c_str());
}

class StopAfter : public Observer {
 public:
  explicit StopAfter(int polls) : polls_(polls) {}
  bool ShouldStop() override { return --polls_ < 0; }

 private:
  int polls_;
};

TEST(RatesStudy, AStopKeepsAValidFileOfFinishedRows) {
  const std::string path = ::testing::TempDir() + "rates_stop.csv";
  RatesPreset preset = Small({200, 300, 400}, 2);
  preset.options.outputPath = path;
  preset.options.threads = 1;
  StopAfter observer(12);
  const StudyTable table = RunRatesStudy(preset.truth, preset.options, observer);
  EXPECT_TRUE(table.interrupted);
  EXPECT_LT(table.rows.size(), 6u);
  EXPECT_EQ(ReadAll(path), table.Csv());
  std::remove(path.c_str());
}

TEST(RatesStudy, BadOptionsAreInputErrors) {
  RatesPreset preset = Small();
  SilentObserver observer;
  preset.options.fittedK = {1};
  EXPECT_NE(test::ErrorOf([&] { RunRatesStudy(preset.truth, preset.options, observer); }).find("below the true K*"),
            std::string::npos);
  preset.options.fittedK = {2};
  preset.options.sizes = {};
  EXPECT_NE(test::ErrorOf([&] { RunRatesStudy(preset.truth, preset.options, observer); }).find("sample size"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([] { GetRatesPreset("nope", true); }).find("softmax-exact"), std::string::npos);
}

TEST(RatesStudy, NearTrueStartUsesEveryTrueAtom) {
  const RatesPreset preset = Small();
  Rng rng(3);
  const Model start = NearTrueStart(preset.truth, 3, 1000, preset.options.noise, rng);
  const VoronoiLoss loss = ComputeVoronoiLoss(preset.truth.model, start, VoronoiKind::Exact, VoronoiExponents::Softmax());
  EXPECT_EQ(arma::uvec(arma::unique(loss.cell)).n_elem, 2u);
  EXPECT_LT(loss.total, 0.5);
}

TEST(RatesSlopes, OlsByHandAndTheoryTable) {
  const arma::vec ols = OlsSlope(arma::vec{0.0, 1.0, 2.0, 3.0}, arma::vec{1.0, 0.4, 0.1, -0.5});
  EXPECT_NEAR(ols[0], -0.48, 1e-12);  // sxy = -2.4, sxx = 5
  EXPECT_LT(ols[1], ols[0]);
  EXPECT_GT(ols[2], ols[0]);
  const VoronoiExponents e = VoronoiExponents::Softmax();
  EXPECT_EQ(TheoreticalSlope("D1", 2, 2, e), -0.5);
  EXPECT_EQ(TheoreticalSlope("expert_intercept", 3, 2, e), -1.0 / 8.0);
  EXPECT_EQ(TheoreticalSlope("expert_slope", 3, 2, e), -1.0 / 4.0);
  EXPECT_EQ(TheoreticalSlope("gate_slope", 4, 2, e), -1.0 / 12.0);
  EXPECT_TRUE(std::isnan(TheoreticalSlope("D1", 5, 2, e)));
}

TEST(RatesPresets, EveryPresetBuildsAndIsAtZeroLossFromItself) {
  for (const std::string& name : RatesPresetNames()) {
    const RatesPreset preset = GetRatesPreset(name, true);
    EXPECT_FALSE(preset.options.sizes.empty()) << name;
    EXPECT_EQ(ComputeVoronoiLoss(preset.truth.model, preset.truth.model, VoronoiKind::Exact, preset.options.exponents).total,
              0.0) << name;
    EXPECT_GT(StudyColumns(preset.truth).size(), 9u) << name;
  }
}

}  // namespace
}  // namespace moest
