// Hierarchical mixtures of experts: the tree-shape parser, the tree gate's weights, gradient, M-step,
// model files, and fits (depth 1 equals the flat model; known-truth recovery at depth 2).
#include <gtest/gtest.h>

#include "gate_test_support.hpp"
#include "moest/gate/tree.hpp"
#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::GateDesign;
using test::GradientError;

// A tree gate on `q` columns with every packed parameter drawn from N(0, 1).
std::unique_ptr<Gate> RandomTree(const std::string& spec, arma::uword q, arma::uword K, Rng& rng) {
  std::unique_ptr<Gate> gate = MakeGate(spec, q, K);
  arma::vec theta(gate->NumParameters());
  for (auto& v : theta) v = rng.Normal();
  gate->Unpack(theta);
  return gate;
}

TEST(TreeShape, ParsesRegularAndRaggedShapes) {
  EXPECT_EQ(ParseTreeShape("2x3").NumLeaves(), 6u);
  EXPECT_EQ(ParseTreeShape("2x3").NumInternal(), 3u);
  EXPECT_EQ(ParseTreeShape("2x2x2").NumLeaves(), 8u);
  EXPECT_EQ(ParseTreeShape("2x2x2").NumInternal(), 7u);
  EXPECT_EQ(ParseTreeShape(" 2 x 3 ").ToString(), "2x3");
  EXPECT_EQ(ParseTreeShape("4").ToString(), "4");
  EXPECT_EQ(ParseTreeShape("[3 3]").ToString(), "2x3");
  EXPECT_EQ(ParseTreeShape("[3 2]").ToString(), "[3 2]");
  EXPECT_EQ(ParseTreeShape("[[2 2] 3]").NumLeaves(), 7u);
  EXPECT_EQ(ParseTreeShape("[[2 2] 3]").ToString(), "[[2 2] 3]");
  EXPECT_EQ(ParseTreeShape("[1 [2 2]]").NumLeaves(), 5u);
  EXPECT_EQ(ParseTreeShape("[1 [2 2]]").ToString(), "[1 [2 2]]");
  EXPECT_EQ(ParseTreeShape("[1 1]").ToString(), "2");
  for (const std::string text : {"2x3", "[3 2]", "[[2 2] 3]", "2x2x2", "[1 [2 2]]"}) {
    EXPECT_EQ(ParseTreeShape(ParseTreeShape(text).ToString()).ToString(), ParseTreeShape(text).ToString()) << text;
  }
}

TEST(TreeShape, MalformedShapesGiveClearErrors) {
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape(""); }).find("empty"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("2x"); }).find("not a branching number"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("1x3"); }).find("at least 2 branches"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("2y3"); }).find("not a branching number"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("[3]"); }).find("at least 2 children"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("[3 2"); }).find("never closed"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("[3 a]"); }).find("expected a number"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("[3 2]]"); }).find("unexpected ']'"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("[0 2]"); }).find("0 experts"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { ParseTreeShape("99999x2"); }).find("branching"), std::string::npos);
}

TEST(TreeGate, RegistryOptionsAndErrors) {
  EXPECT_EQ(MakeGate("tree(shape = 2x3)", 2, 6)->Spec().ToString(), "tree(node = softmax, shape = 2x3)");
  EXPECT_EQ(MakeGate("tree(shape = [3 2], node = probit)", 2, 5)->Spec().ToString(), "tree(node = probit, shape = [3 2])");
  EXPECT_EQ(MakeGate("tree(shape = 2x2, nodes = softmax;laplace;probit)", 2, 4)->Spec().ToString(),
            "tree(nodes = softmax;laplace;probit, shape = 2x2)");
  EXPECT_EQ(MakeGate("tree(shape = 2x3)", 3, 6)->NumParameters(), 3u * 1 + 2u * 3 * 2);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x3)", 2, 4); }).find("6 experts but K = 4"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree", 2, 4); }).find("'shape' is required"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x2, depth = 2)", 2, 4); }).find("no option 'depth'"), std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x2, node = gaussian_density)", 2, 4); }).find("density of x"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x2, node = tree)", 2, 4); }).find("cannot itself be a tree"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x2, nodes = softmax;probit)", 2, 4); }).find("one per internal node (3"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x2, node = nosuch)", 2, 4); }).find("unknown gate family"),
            std::string::npos);
  EXPECT_NE(test::ErrorOf([] { MakeGate("tree(shape = 2x2, node = softmax, nodes = softmax)", 2, 4); }).find("not both"),
            std::string::npos);
}

TEST(TreeGate, WeightsAreProductsAlongPaths) {
  Rng rng(61);
  const arma::mat x = GateDesign(50, rng);
  const Data data(x, x, x);
  const std::unique_ptr<Gate> gate = RandomTree("tree(shape = [[2 2] 3])", 3, 7, rng);
  const auto& tree = dynamic_cast<const TreeGate&>(*gate);
  ASSERT_EQ(tree.Nodes().size(), 5u);  // depth-first: root, 1, 1.1, 1.2, 2
  arma::mat logG, root, branch1, branch11;
  gate->LogWeights(data, logG);
  EXPECT_LT(arma::abs(arma::sum(arma::exp(logG), 1) - 1.0).max(), 1e-12);
  tree.Nodes()[0].gate->LogWeights(data, root);
  tree.Nodes()[1].gate->LogWeights(data, branch1);
  tree.Nodes()[2].gate->LogWeights(data, branch11);
  EXPECT_EQ(tree.Nodes()[2].path, "1.1");
  // Leaf 2 (0-based 1) is root branch 1, then branch 1.1, then its second leaf.
  EXPECT_LT(arma::abs(logG.col(1) - (root.col(0) + branch1.col(0) + branch11.col(1))).max(), 1e-12);
  const arma::mat branches = tree.BranchProbabilities(data);
  ASSERT_EQ(branches.n_cols, 4u);
  EXPECT_LT(arma::abs(branches.col(0) - arma::exp(root.col(0))).max(), 1e-12);
  EXPECT_LT(arma::abs(branches.col(1) - arma::exp(root.col(0) + branch1.col(0))).max(), 1e-12);
}

TEST(TreeGate, GradientsMatchFiniteDifferences) {
  Rng rng(62);
  const arma::mat x = GateDesign(80, rng);
  const Data data(x, x, x);
  const std::vector<std::pair<std::string, arma::uword>> specs = {
      {"tree(shape = 2x3)", 6},
      {"tree(shape = 2x2x2)", 8},
      {"tree(shape = [[2 2] 3], node = probit)", 7},
      {"tree(shape = 2x2, nodes = laplace;softmax;gaussian_kernel)", 4},
      {"tree(shape = [1 3], node = softmax(temperature = 0.5))", 4}};
  for (const auto& [spec, K] : specs) {
    const std::unique_ptr<Gate> gate = RandomTree(spec, 3, K, rng);
    arma::mat c = test::RandomWeights(80, K, rng);
    for (arma::uword i = 0; i < c.n_rows; ++i) c.row(i) *= 0.1 + rng.Uniform();  // rows need not sum to 1
    EXPECT_LT(GradientError(*gate, data, c), 1e-6) << spec;
  }
}

TEST(TreeGate, NodeMStepsHandleRowsThatDoNotSumToOne) {
  // Below the root a node's branch posteriors sum to the posterior of its own branch, not to 1: each
  // conditional family's M-step must then maximise sum_ij h_ij log g_j, i.e. end at a zero gradient.
  Rng rng(63);
  const arma::mat x = GateDesign(300, rng);
  const Data data(x, x, x);
  arma::vec scale(300);
  for (auto& v : scale) v = 0.05 + 0.9 * rng.Uniform();
  for (const std::string family : {"softmax", "softmax(temperature = 0.5)", "laplace", "gaussian_kernel", "probit"}) {
    arma::mat r = test::RandomWeights(300, 3, rng);
    for (arma::uword i = 0; i < 300; ++i) r(i, x(i, 1) > 0.0 ? 1 : 2) += 1.0;  // a signal in x
    r.each_col() %= scale / arma::sum(r, 1);
    std::unique_ptr<Gate> gate = MakeGate(family, 3, 3);
    gate->SetInnerControl(100, 1e-13);
    gate->FitResponsibilities(data, r);
    arma::vec g;
    gate->GradLogWeights(data, r, g);
    EXPECT_LT(arma::abs(g).max() / arma::accu(r), 1e-4) << family << " gradient " << g.t();
  }
}

TEST(TreeGate, DepthOneTreeReproducesTheFlatModel) {
  const Model truth = test::MakeLinearModel({{{0.0, 0.0}}, {{0.5, 1.0}}, {{-0.5, 2.0}}},
                                            {{{-2.0, 1.0, 0.4}}, {{0.0, -1.0, 0.4}}, {{2.0, 0.5, 0.4}}});
  const test::SimulatedData sim = test::SimulateLinear(truth, 1500, 64, -2.0, 2.0);
  FitOptions options;
  options.starts = 1;
  options.initialPartition = sim.component;
  test::RecordingObserver observer;
  const FitResult flat = Fit(Model::Make("gaussian", "softmax", 2, 2, 3), sim.View(), options, observer);
  const FitResult tree = Fit(Model::Make("gaussian", "tree(shape = 3)", 2, 2, 3), sim.View(), options, observer);
  EXPECT_NEAR(tree.stats.logLikelihood, flat.stats.logLikelihood, 1e-10);
  EXPECT_EQ(tree.stats.iterations, flat.stats.iterations);
  EXPECT_LT(arma::abs(PackModel(tree.model) - PackModel(flat.model)).max(), 1e-10);
  EXPECT_EQ(tree.stats.nParameters, flat.stats.nParameters);
}

// Gaussian experts on [1, x] under a 2x2 softmax tree.
Model DepthTwoTruth() {
  Model model = Model::Make("gaussian", "tree(shape = 2x2)", 2, 2, 4);
  model.gate().SetBlocks({{"root:coefficients", arma::mat{{0.0, 0.3}, {0.0, 1.5}}},
                          {"1:coefficients", arma::mat{{0.0, 0.5}, {0.0, -2.0}}},
                          {"2:coefficients", arma::mat{{0.0, -0.4}, {0.0, 2.0}}}});
  const std::vector<std::array<double, 3>> experts = {{{-4.0, 1.0, 0.5}}, {{-1.0, -1.0, 0.5}}, {{2.0, 1.0, 0.5}}, {{5.0, -1.0, 0.5}}};
  for (arma::uword k = 0; k < 4; ++k) {
    model.expert(k).SetBlocks({{"coefficients", test::Column({experts[k][0], experts[k][1]})},
                               {"sigma", test::Scalar(experts[k][2])}});
  }
  return model;
}

TEST(TreeGate, DepthTwoRecoversKnownParametersWithMonotoneEm) {
  // n = 5000 from a 2x2 tree; EM from the true partition (smoothed). Gate parameters within 4
  // complete-data standard errors of the truth (the complete-data errors are smaller than the
  // observed-data ones, so this is the stricter check); expert coefficients within 0.1 (their standard
  // errors are about 0.5 / sqrt(1250 * var(x)) ~ 0.01); the fit is at least as likely as the truth.
  const Model truth = DepthTwoTruth();
  const test::SimulatedData sim = test::SimulateLinear(truth, 5000, 65, -2.0, 2.0);
  const test::Recovery recovery = test::FitFromTruth(truth, sim);
  const FitResult& fit = recovery.fit;
  EXPECT_EQ(fit.stats.status, FitStatus::Converged);
  EXPECT_GE(fit.stats.logLikelihood, recovery.truthLogLikelihood - 1e-6);
  for (const TraceRow& row : fit.stats.trace) EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
  const arma::vec error = arma::abs(fit.model.gate().Pack() - truth.gate().Pack());
  EXPECT_TRUE(arma::all(error < 4.0 * recovery.standardErrors)) << error.t() << recovery.standardErrors.t();
  for (arma::uword k = 0; k < 4; ++k) {
    const arma::vec fitted = fit.model.expert(k).Pack(), target = truth.expert(k).Pack();
    EXPECT_LT(arma::abs(fitted.head(2) - target.head(2)).max(), 0.1) << "expert " << k + 1;
  }
  EXPECT_TRUE(fit.stats.standardErrors.positiveDefinite) << fit.stats.standardErrors.message;
}

TEST(TreeGate, DirectMaximumLikelihoodPolishesTheEmFit) {
  const Model truth = DepthTwoTruth();
  const test::SimulatedData sim = test::SimulateLinear(truth, 1000, 66, -2.0, 2.0);
  FitOptions options;
  options.starts = 1;
  options.standardErrors = false;  // the recovery test covers them; here only the solver is checked
  options.diagnostics = false;
  options.initialPartition = sim.component;
  test::RecordingObserver observer;
  const Model prototype = Model::Make("gaussian", "tree(shape = 2x2)", 2, 2, 4);
  const FitResult em = Fit(prototype, sim.View(), options, observer);
  options.solver = SolverKind::EmMle;
  const FitResult polished = Fit(prototype, sim.View(), options, observer);
  EXPECT_GE(polished.stats.logLikelihood, em.stats.logLikelihood - 1e-8);
  EXPECT_LT(GradientNorm(polished.model, sim.View()), 1e-4);
}

TEST(TreeGate, MixedNodeFamiliesRoundTripThroughModelFiles) {
  Rng rng(67);
  const test::SimulatedData sim = test::SimulateLinear(DepthTwoTruth(), 300, 68, -2.0, 2.0);
  Model model = Model::Make("gaussian", "tree(shape = [[2 2] 3], nodes = softmax;probit;laplace;softmax;gaussian_kernel)",
                            2, 2, 7);
  arma::vec theta = PackModel(model);
  for (auto& v : theta) v = 0.5 * rng.Normal();
  UnpackModel(model, theta);
  FitResult fit;
  fit.model = model;
  ModelFile file = test::LinearModelFile(fit);
  file.gateFamily = model.gate().Spec().ToString();
  const ModelFile back = ModelFromJson(ModelToJson(file), "tree.json");
  EXPECT_EQ(back.model.gate().Spec().ToString(),
            "tree(nodes = softmax;probit;laplace;softmax;gaussian_kernel, shape = [[2 2] 3])");
  EXPECT_LT(arma::abs(PackModel(back.model) - theta).max(), 1e-12);
  EXPECT_NEAR(back.model.LogLikelihood(sim.View()), model.LogLikelihood(sim.View()), 1e-9);
}

}  // namespace
}  // namespace moest
