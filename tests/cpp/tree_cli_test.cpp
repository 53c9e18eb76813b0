// Hierarchical MoE through the command line: --tree with --gate, K from the tree, the summary's node
// tables, leaf and branch predictions, and clear errors for a conflicting -K or a malformed tree.
#include <gtest/gtest.h>

#include "cli_process_support.hpp"

namespace moest {
namespace {

using test::RunMoest;

const std::string kToneData = std::string(MOEST_SOURCE_DIR) + "/datasets/tonedata.csv";
const std::string kFit = "fit '" + kToneData + "' --formula 'tuned ~ stretchratio' --seed 1 --starts 2 -q ";

TEST(TreeCli, FitsSummarisesAndPredictsATree) {
  const auto directory = test::CleanDirectory("tree_cli_fit");
  const test::CliOutcome fit = RunMoest(directory, kFit + "--tree 2x2 --gate probit -o model.json");
  ASSERT_LE(fit.exitCode, 1) << fit.err;
  const std::string model = test::ReadWhole(directory / "model.json");
  EXPECT_NE(model.find("\"tree\""), std::string::npos);
  EXPECT_NE(model.find("2x2"), std::string::npos);
  const test::CliOutcome summary = RunMoest(directory, "summary model.json");
  EXPECT_EQ(summary.exitCode, 0) << summary.err;
  EXPECT_NE(summary.out.find("Gate tree (shape 2x2, 3 nodes"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("Node 2 (probit over 2 children)"), std::string::npos) << summary.out;
  EXPECT_NE(summary.out.find("Comp.3 is the reference"), std::string::npos) << summary.out;
  const test::CliOutcome gate = RunMoest(directory, "predict model.json '" + kToneData + "' --type gate");
  EXPECT_EQ(gate.exitCode, 0) << gate.err;
  EXPECT_EQ(gate.out.substr(0, gate.out.find('\n')), "gate.1,gate.2,gate.3,gate.4");
  const test::CliOutcome branch = RunMoest(directory, "predict model.json '" + kToneData + "' --type branch");
  EXPECT_EQ(branch.exitCode, 0) << branch.err;
  EXPECT_EQ(branch.out.substr(0, branch.out.find('\n')), "branch.1,branch.2");
}

TEST(TreeCli, BadTreesAreClearErrors) {
  const auto directory = test::CleanDirectory("tree_cli_errors");
  const test::CliOutcome conflict = RunMoest(directory, kFit + "--tree 2x3 -K 4");
  EXPECT_EQ(conflict.exitCode, 2);
  EXPECT_NE(conflict.err.find("-K 4 conflicts with --tree 2x3, which has 6 experts"), std::string::npos) << conflict.err;
  const test::CliOutcome malformed = RunMoest(directory, kFit + "--tree '[3 2'");
  EXPECT_EQ(malformed.exitCode, 2);
  EXPECT_NE(malformed.err.find("never closed"), std::string::npos) << malformed.err;
  const test::CliOutcome density = RunMoest(directory, kFit + "--tree 2x2 --gate gaussian_density");
  EXPECT_EQ(density.exitCode, 2);
  EXPECT_NE(density.err.find("density of x"), std::string::npos) << density.err;
  const test::CliOutcome options = RunMoest(directory, kFit + "--tree 2x2 --gate 'softmax(temperature = 2, top_k = 1)'");
  EXPECT_EQ(options.exitCode, 2);
  EXPECT_NE(options.err.find("a tree node takes at most one"), std::string::npos) << options.err;
  const test::CliOutcome noK = RunMoest(directory, kFit);
  EXPECT_EQ(noK.exitCode, 2);
  EXPECT_NE(noK.err.find("-K is required"), std::string::npos) << noK.err;
  const test::CliOutcome flat = RunMoest(directory, kFit + "-K 2 -o flat.json");
  ASSERT_LE(flat.exitCode, 1) << flat.err;
  const test::CliOutcome branch = RunMoest(directory, "predict flat.json '" + kToneData + "' --type branch");
  EXPECT_EQ(branch.exitCode, 2);
  EXPECT_NE(branch.err.find("need a hierarchical model"), std::string::npos) << branch.err;
}

}  // namespace
}  // namespace moest
