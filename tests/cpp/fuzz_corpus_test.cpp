// Replays tests/fuzz/corpus/TARGET/* (the seeds and every input a fuzzing run once failed on) through
// the fuzz entries of tests/fuzz/targets.hpp, so that `make check` keeps the fixed findings fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../fuzz/targets.hpp"

namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(FuzzCorpus, EveryTargetReplaysItsCorpusCleanly) {
  for (const moest::fuzz::Target& target : moest::fuzz::Targets()) {
    const fs::path folder = fs::path(MOEST_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / target.name;
    ASSERT_TRUE(fs::is_directory(folder)) << folder;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (!entry.is_regular_file()) continue;
      ++files;
      try {
        target.run(Slurp(entry.path()));
      } catch (const std::exception& e) {
        ADD_FAILURE() << target.name << ": " << entry.path().filename() << ": " << e.what();
      }
    }
    EXPECT_GE(files, 3) << "the corpus of " << target.name << " lost its seeds";
  }
}

TEST(FuzzCorpus, FindingsAreReportedAndFixedInputsPass) {
  // The entries must not swallow defects: a broken invariant surfaces as FuzzFinding, an InputError
  // (an expected rejection) does not.
  EXPECT_THROW(moest::fuzz::Require(false, "x"), moest::fuzz::FuzzFinding);
  EXPECT_NO_THROW(moest::fuzz::FuzzSpec("not a spec ((("));
  EXPECT_NO_THROW(moest::fuzz::FuzzFormula("y ~ ``"));
  EXPECT_NO_THROW(moest::fuzz::FuzzFormula("y ~ `1` + x"));
}

}  // namespace
