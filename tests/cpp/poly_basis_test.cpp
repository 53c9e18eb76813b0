// Polynomial terms in formulas: poly(x, d) with R's orthogonal basis (values from R 4's poly() and
// predict.poly()), poly(x, d, raw = TRUE), conditioning, model files and the command line.
#include <gtest/gtest.h>

#include <fstream>

#include "cli_process_support.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::ErrorOf;

const arma::vec kX = {1, 2, 4, 7, 11, 3};

TEST(PolyBasis, EqualsRsPolyOnTrainingAndNewData) {
  const PolyBasis basis = FitPolyBasis("x", kX, 3, false);
  // poly(c(1, 2, 4, 7, 11, 3), 3) in R, column by column, and attr(, "coefs").
  const arma::mat expected = arma::reshape(
      arma::vec({-0.44035242296398963, -0.32025630761017421, -0.080064076902543593, 0.28022426915890242,
                 0.76060873057416378, -0.20016019225635892, 0.52359813946863087, 0.12955005512625914,
                 -0.39944600330596558, -0.54518981532300725, 0.46961894983268948, -0.17813132579860635,
                 -0.47540796292259896, 0.1771887112318449, 0.34566322355064688, -0.64581896388874405,
                 0.1829981771738721, 0.4153768148549789}),
      6, 3);
  EXPECT_LT(arma::abs(EvaluatePolyBasis(basis, kX) - expected).max(), 1e-12);
  EXPECT_LT(arma::abs(basis.alpha - arma::vec({4.666666666666667, 7.4583333333333339, 5.547727272727272})).max(), 1e-12);
  EXPECT_LT(arma::abs(basis.norm2 - arma::vec({1, 6, 69.333333333333343, 536.24999999999989, 3173.5636363636377})).max(),
            1e-9);
  // predict(poly(x, 3), c(0, 5.5, 20)).
  const arma::mat newValues = arma::reshape(
      arma::vec({-0.56044853831780495, 0.1000800961281794, 1.8414737687585017, 1.0040129272285085,
                 -0.56948045065918096, 7.8053908213571148, -1.64892008321219, -0.10323905101145037,
                 44.265225745279928}),
      3, 3);
  EXPECT_LT(arma::abs(EvaluatePolyBasis(basis, arma::vec({0, 5.5, 20})) - newValues).max(), 1e-11);
  const arma::mat raw = EvaluatePolyBasis(FitPolyBasis("x", kX, 3, true), kX);
  EXPECT_LT(arma::abs(raw.col(2) - arma::pow(kX, 3)).max(), 1e-12);
}

TEST(PolyBasis, DegreeSixOnZeroToThousandIsWellConditioned) {
  const arma::uword n = 300;
  const arma::vec x = arma::linspace(0.0, 1000.0, n);
  arma::mat orthogonal(n, 7), raw(n, 7);
  orthogonal.col(0).ones();
  raw.col(0).ones();
  orthogonal.cols(1, 6) = EvaluatePolyBasis(FitPolyBasis("x", x, 6, false), x);
  raw.cols(1, 6) = EvaluatePolyBasis(FitPolyBasis("x", x, 6, true), x);
  // Columns orthonormal and orthogonal to the intercept: the condition number is sqrt(n).
  const double condition = arma::cond(orthogonal);
  std::printf("[ figures  ] degree 6 on [0, 1000], n = %u: condition number %.4g (raw basis %.4g)\n",
              static_cast<unsigned>(n), condition, arma::cond(raw));
  EXPECT_LT(condition, 1.01 * std::sqrt(static_cast<double>(n)));
  const arma::mat gram = orthogonal.cols(1, 6).t() * orthogonal.cols(1, 6);
  EXPECT_LT(arma::abs(gram - arma::eye(6, 6)).max(), 1e-10);
  EXPECT_GT(arma::cond(raw), 1e12);
}

TEST(PolyBasis, DegreeNotBelowTheDistinctValuesIsAnError) {
  const arma::vec x = {1, 2, 2, 3, 3, 3};
  const std::string message = ErrorOf([&] { FitPolyBasis("dose", x, 3, false); });
  EXPECT_NE(message.find("poly(dose, 3)"), std::string::npos) << message;
  EXPECT_NE(message.find("'dose'"), std::string::npos) << message;
  EXPECT_NE(message.find("has 3"), std::string::npos) << message;
  EXPECT_NO_THROW(FitPolyBasis("dose", x, 2, false));
  EXPECT_NE(ErrorOf([&] { FitPolyBasis("dose", x, 3, true); }), "");
}

TEST(PolyBasis, FormulasParsePolynomialTerms) {
  const Formula f = ParseFormula("y ~ poly(x,3) + z | poly(z, degree = 2, raw = TRUE)");
  ASSERT_EQ(f.expert.terms.size(), 2u);
  EXPECT_EQ(f.expert.terms[0].column, "x");
  EXPECT_EQ(f.expert.terms[0].degree, 3u);
  EXPECT_FALSE(f.expert.terms[0].raw);
  EXPECT_TRUE(f.gate.terms[0].raw);
  EXPECT_EQ(f.text, "y ~ poly(x, 3) + z | poly(z, 2, raw = TRUE)");
  EXPECT_EQ(ParseFormula(f.text).text, f.text);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ poly(x)"); }).find("poly(column, degree)"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ poly(x, 0)"); }).find("at least 1"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ poly(x, 2, raw = maybe)"); }).find("raw = TRUE"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ poly(x, 2) + poly(x, 2)"); }).find("twice"), std::string::npos);
}

TEST(PolyBasis, DesignsNameColumnsAsRAndRebuildFromModelFiles) {
  std::istringstream csv("y,x,z\n1,1,0\n2,2,1\n3,4,0\n4,7,1\n5,11,0\n6,3,1\n");
  const Table table = ParseCsv(csv, "test");
  const Design design = BuildDesign(table, ParseFormula("y ~ poly(x, 3) + z").expert);
  EXPECT_EQ(design.names, (std::vector<std::string>{"(Intercept)", "poly(x, 3)1", "poly(x, 3)2", "poly(x, 3)3", "z"}));
  ASSERT_EQ(design.bases.size(), 1u);
  ModelFile file;
  file.formula = "y ~ poly(x, 3) + z";
  file.response = "y";
  file.expertTerms = design.names;
  file.gateTerms = {"(Intercept)"};
  file.expertFamily = "gaussian";
  file.gateFamily = "softmax";
  file.bases = design.bases;
  file.model = Model::Make("gaussian", "softmax", 5, 1, 1);
  const std::string json = ModelToJson(file);
  EXPECT_NE(json.find("\"version\": 3"), std::string::npos);
  const ModelFile back = ModelFromJson(json, "m");
  ASSERT_EQ(back.bases.size(), 1u);
  EXPECT_EQ(arma::abs(DesignFromNames(table, back.expertTerms, back.bases) - design.x).max(), 0.0);
  EXPECT_EQ(ColumnOfDesignName("poly(x, 3)2", back.bases), "x");
  EXPECT_EQ(ColumnOfDesignName("z", back.bases), "z");
}

TEST(PolyBasisCli, FitAndPredictUseTheTrainingBasis) {
  const auto dir = test::CleanDirectory("poly_cli");
  {
    Rng rng(3);
    std::ofstream out(dir / "d.csv");
    out << "y,x\n";
    for (int i = 0; i < 200; ++i) {
      const double x = 1000.0 * rng.Uniform();
      out << 1.0 + 2e-3 * x - 3e-6 * x * x + 0.1 * rng.Normal() << ',' << x << '\n';
    }
    std::ofstream fresh(dir / "new.csv");
    fresh << "x\n10\n500\n990\n";
  }
  const auto fit = test::RunMoest(dir, "fit d.csv -f 'y ~ poly(x, 6) | poly(x, 2)' -K 1 -q -o m.json");
  ASSERT_EQ(fit.exitCode, 0) << fit.err;
  const ModelFile file = ReadModelFile((dir / "m.json").string());
  EXPECT_EQ(file.bases.size(), 2u);
  EXPECT_EQ(file.expertTerms.size(), 7u);
  const auto predicted = test::RunMoest(dir, "predict m.json new.csv");
  ASSERT_EQ(predicted.exitCode, 0) << predicted.err;
  std::istringstream lines(predicted.out);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_NEAR(std::stod(first), 1.0 + 2e-3 * 10 - 3e-6 * 100, 0.15);
  EXPECT_NEAR(std::stod(second), 1.0 + 2e-3 * 500 - 3e-6 * 250000, 0.1);
  const auto simulated = test::RunMoest(dir, "simulate m.json --covariates new.csv");
  EXPECT_EQ(simulated.exitCode, 0) << simulated.err;
  EXPECT_EQ(simulated.out.rfind("x,y,component", 0), 0u) << simulated.out;
  {
    std::ofstream out(dir / "few.csv");
    out << "y,x\n1,1\n2,2\n3,1\n4,2\n5,3\n";
  }
  const auto tooHigh = test::RunMoest(dir, "fit few.csv -f 'y ~ poly(x, 3)' -K 1 -q");
  EXPECT_EQ(tooHigh.exitCode, 2);
  EXPECT_NE(tooHigh.err.find("distinct values of column 'x'"), std::string::npos) << tooHigh.err;
}

}  // namespace
}  // namespace moest
