#include <gtest/gtest.h>

#include "test_support.hpp"

#include <sstream>

#include "moest/errors.hpp"
#include "moest/io/csv.hpp"

namespace moest {
namespace {

using test::ErrorOf;

Table Parse(const std::string& text) {
  std::istringstream in(text);
  return ParseCsv(in, "test.csv");
}

TEST(Csv, ReadsNumbersQuotesAndLineEndings) {
  const Table t = Parse("a,\"b c\",label\r\n1,2.5,\"x, y\"\r\n-3e2, 4 ,\"say \"\"hi\"\"\"\n\n");
  ASSERT_EQ(t.NumRows(), 2u);
  EXPECT_EQ(t.Numeric("a")[1], -300.0);
  EXPECT_EQ(t.Numeric("b c")[1], 4.0);
  EXPECT_FALSE(t.Get("label").numeric);
  EXPECT_EQ(t.Get("label").text[0], "x, y");
  EXPECT_EQ(t.Get("label").text[1], "say \"hi\"");
}

TEST(Csv, MissingColumnIsNamedWithTheColumnsThereAre) {
  const Table t = Parse("a,b\n1,2\n");
  const std::string message = ErrorOf([&] { t.Numeric("z"); });
  EXPECT_NE(message.find("'z'"), std::string::npos);
  EXPECT_NE(message.find("a, b"), std::string::npos);
}

TEST(Csv, NonNumericCellNamesColumnRowAndValue) {
  const Table t = Parse("a,b\n1,2\n3,oops\n");
  const std::string message = ErrorOf([&] { t.Numeric("b"); });
  EXPECT_NE(message.find("'b'"), std::string::npos);
  EXPECT_NE(message.find("row 2"), std::string::npos);
  EXPECT_NE(message.find("oops"), std::string::npos);
  // The numbers before the first non-number are kept as text.
  EXPECT_EQ(t.Get("b").text[0], "2");
}

TEST(Csv, EmptyAndNACellsAreMissing) {
  const Table t = Parse("a,b\n1,\n2,NA\n");
  EXPECT_NE(ErrorOf([&] { t.Numeric("b"); }).find("row 1"), std::string::npos);
  EXPECT_TRUE(t.Get("b").numeric);
}

TEST(Csv, NaNAndInfinityAreRejectedWithTheirRow) {
  const Table t = Parse("a,b\n1,2\n2,NaN\n3,Inf\n");
  EXPECT_NE(ErrorOf([&] { t.Numeric("b"); }).find("row 2"), std::string::npos);
  const Table u = Parse("a\n1\n-inf\n");
  EXPECT_NE(ErrorOf([&] { u.Numeric("a"); }).find("row 2"), std::string::npos);
}

TEST(Csv, RaggedRowsAndBadHeadersAreErrors) {
  EXPECT_NE(ErrorOf([] { Parse("a,b\n1,2,3\n"); }).find("line 2"), std::string::npos);
  EXPECT_NE(ErrorOf([] { Parse("a,a\n1,2\n"); }).find("twice"), std::string::npos);
  EXPECT_NE(ErrorOf([] { Parse(""); }).find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf([] { Parse("a,\n1,2\n"); }).find("empty column name"), std::string::npos);
  EXPECT_NE(ErrorOf([] { Parse("a\n\"open\n"); }).find("never closed"), std::string::npos);
}

TEST(Csv, UnreadableFileIsAnInputError) {
  EXPECT_NE(ErrorOf([] { ReadCsv("/nonexistent/data.csv"); }).find("/nonexistent/data.csv"), std::string::npos);
}

TEST(Csv, FormatWritesNaNAsNA) {
  EXPECT_EQ(FormatCsv({"a"}, arma::mat(1, 1, arma::fill::value(arma::datum::nan))), "a\nNA\n");
}

TEST(Csv, DirectoryIsNotADataFile) {
  EXPECT_NE(ErrorOf([] { ReadCsv("/tmp"); }).find("directory"), std::string::npos);
}

TEST(Csv, FormatWritesFullPrecision) {
  const std::string out = FormatCsv({"a", "b"}, arma::mat{{0.1, 1.0 / 3.0}});
  std::istringstream in(out);
  const Table t = ParseCsv(in, "round trip");
  EXPECT_EQ(t.Numeric("b")[0], 1.0 / 3.0);
  EXPECT_EQ(t.Numeric("a")[0], 0.1);
}

}  // namespace
}  // namespace moest
