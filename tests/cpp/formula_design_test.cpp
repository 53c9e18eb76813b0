#include <gtest/gtest.h>

#include "test_support.hpp"

#include <sstream>

#include "moest/errors.hpp"
#include "moest/io/design.hpp"
#include "moest/io/formula.hpp"

namespace moest {
namespace {

using test::ErrorOf;

std::vector<std::string> Labels(const TermList& terms) {
  std::vector<std::string> labels;
  for (const Term& term : terms.terms) labels.push_back(term.Label());
  return labels;
}

TEST(Formula, SplitsExpertAndGateTerms) {
  const Formula f = ParseFormula(" y ~ x1 + x2 | z1 ");
  EXPECT_EQ(f.response, "y");
  EXPECT_EQ(Labels(f.expert), (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(Labels(f.gate), (std::vector<std::string>{"z1"}));
  EXPECT_TRUE(f.expert.intercept);
  EXPECT_EQ(f.text, "y ~ x1 + x2 | z1");
}

TEST(Formula, WithoutBarTheGateUsesTheExpertTerms) {
  const Formula f = ParseFormula("y ~ x");
  EXPECT_EQ(f.gate.terms, f.expert.terms);
}

TEST(Formula, InterceptControls) {
  EXPECT_FALSE(ParseFormula("y ~ x - 1").expert.intercept);
  EXPECT_FALSE(ParseFormula("y ~ 0 + x").expert.intercept);
  EXPECT_FALSE(ParseFormula("y ~ -1 + x").expert.intercept);
  const Formula f = ParseFormula("y ~ x | 1");
  EXPECT_TRUE(f.gate.terms.empty());
  EXPECT_TRUE(f.gate.intercept);
  EXPECT_EQ(ParseFormula("y ~ `a b` + c").expert.terms[0].column, "a b");
}

TEST(Formula, MalformedFormulasSayWhatIsWrong) {
  EXPECT_NE(ErrorOf([] { ParseFormula("y x"); }).find("'~'"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("~ x"); }).find("no response"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ x | z | w"); }).find("more than one"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ x +"); }).find("empty term"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ log(x)"); }).find("log(x)"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ x + x"); }).find("twice"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ y"); }).find("response"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ "); }).find("empty side"), std::string::npos);
  EXPECT_NE(ErrorOf([] { ParseFormula("y ~ ."); }).find("'.'"), std::string::npos);
}

Table Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseCsv(in, "test.csv");
}

TEST(Design, BuildsInterceptAndColumns) {
  const Table t = Parse("y,x,z\n1,2,3\n4,5,7\n");
  const Design d = BuildDesign(t, ParseFormula("y ~ x + z").expert);
  EXPECT_EQ(d.names, (std::vector<std::string>{"(Intercept)", "x", "z"}));
  EXPECT_EQ(d.x(1, 2), 7.0);
  EXPECT_EQ(d.x(0, 0), 1.0);
}

TEST(Design, NoRowsIsAnError) {
  const Table t = Parse("y,x\n");
  EXPECT_NE(ErrorOf([&] { BuildDesign(t, ParseFormula("y ~ x").expert); }).find("no rows"), std::string::npos);
}

TEST(Design, NoColumnsIsAnError) {
  const Table t = Parse("y,x\n1,2\n");
  EXPECT_THROW(BuildDesign(t, ParseFormula("y ~ 0").expert), InputError);
}

TEST(Design, ConstantColumnIsNamedAsDuplicatingTheIntercept) {
  const arma::mat x = arma::join_rows(arma::ones(5), arma::vec{1, 2, 3, 4, 5}, arma::vec(5, arma::fill::value(2.0)));
  const std::string message = ErrorOf([&] { CheckFullRank(x, {"(Intercept)", "x", "k"}, "expert"); });
  EXPECT_NE(message.find("'k'"), std::string::npos);
  EXPECT_NE(message.find("constant"), std::string::npos);
}

TEST(Design, CollinearColumnIsNamed) {
  const arma::vec a = {1, 2, 3, 5, 8};
  const arma::mat x = arma::join_rows(arma::ones(5), a, 3 * a - 1);
  const std::string message = ErrorOf([&] { CheckFullRank(x, {"(Intercept)", "a", "b"}, "gate"); });
  EXPECT_NE(message.find("'b'"), std::string::npos);
  EXPECT_NE(message.find("gate"), std::string::npos);
  EXPECT_NO_THROW(CheckFullRank(arma::join_rows(arma::ones(5), a), {"(Intercept)", "a"}, "gate"));
}

TEST(Design, AllZeroAndTooFewRows) {
  EXPECT_NE(ErrorOf([] { CheckFullRank(arma::zeros(4, 1), {"z"}, "expert"); }).find("all zeros"), std::string::npos);
  EXPECT_NE(ErrorOf([] { CheckFullRank(arma::ones(1, 2), {"a", "b"}, "expert"); }).find("rows"), std::string::npos);
}

TEST(Design, SameDesignTermsWhenTheGateRepeatsTheExpertTerms) {
  EXPECT_TRUE(SameDesignTerms(ParseFormula("y ~ x1 + x2").expert, ParseFormula("y ~ x1 + x2").gate));
  const Formula bar = ParseFormula("y ~ x1 + poly(x2, 2) | x1 + poly(x2, 2)");
  EXPECT_TRUE(SameDesignTerms(bar.expert, bar.gate));
  const Formula reordered = ParseFormula("y ~ x1 + x2 | x2 + x1");
  EXPECT_FALSE(SameDesignTerms(reordered.expert, reordered.gate));
  const Formula noIntercept = ParseFormula("y ~ x1 | 0 + x1");
  EXPECT_FALSE(SameDesignTerms(noIntercept.expert, noIntercept.gate));
  const Formula raw = ParseFormula("y ~ poly(x, 2) | poly(x, 2, raw = TRUE)");
  EXPECT_FALSE(SameDesignTerms(raw.expert, raw.gate));
}

// CheckFullRank factors the design by blocks of rows; a design of several blocks is judged as a whole.
TEST(Design, FullRankCheckSpansSeveralBlocksOfRows) {
  const arma::uword n = 10000;
  const arma::vec a = arma::linspace(-1.0, 1.0, n);
  const arma::vec b = arma::square(a);
  EXPECT_NO_THROW(CheckFullRank(arma::join_rows(arma::ones(n), a, b), {"(Intercept)", "a", "b"}, "expert"));
  const std::string collinear =
      ErrorOf([&] { CheckFullRank(arma::join_rows(arma::ones(n), a, b, 2 * b - a), {"(Intercept)", "a", "b", "c"}, "gate"); });
  EXPECT_NE(collinear.find("gate design is singular: column 'c' is a linear combination"), std::string::npos) << collinear;
  const std::string constant =
      ErrorOf([&] { CheckFullRank(arma::join_rows(arma::ones(n), a, arma::vec(n, arma::fill::value(3.0))), {"(Intercept)", "a", "k"}, "expert"); });
  EXPECT_NE(constant.find("column 'k' is constant, which duplicates the intercept"), std::string::npos) << constant;
  // A column that differs from another in the last block only is not a combination of it.
  arma::vec almost = a;
  almost(n - 1) += 1.0;
  EXPECT_NO_THROW(CheckFullRank(arma::join_rows(a, almost), {"a", "almost"}, "expert"));
}

}  // namespace
}  // namespace moest
