#include <gtest/gtest.h>

#include "test_support.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// The reader takes numbers with std::from_chars and leaves the rest to strtod: every cell must read as
// strtod reads it, bit for bit, and a cell strtod rejects must turn the column to text.
TEST(Csv, NumbersReadAsStrtodReadsThem) {
  std::vector<std::string> cells = {"0",      "-0",    "+1.5",   ".5",      "5.",        "1E5",     "-3e-2",
                                    "0x1p3",  "1e400", "-1e400", "1e-320",  "2.2250738585072014e-308",
                                    "inf",    "-Infinity", "nan", "0.1",   "123456789012345678901234567890"};
  arma::arma_rng::set_seed(7);
  const arma::vec draws = arma::randn(2000) * 1e3;
  char buffer[40];
  for (arma::uword i = 0; i < draws.n_elem; ++i) {
    std::snprintf(buffer, sizeof buffer, i % 3 == 0 ? "%.17g" : (i % 3 == 1 ? "%.7g" : "%.3e"), draws[i]);
    cells.push_back(buffer);
  }
  std::string text = "a,q\n";
  for (const std::string& cell : cells) text += cell + ",\" " + cell + "\"\n";  // also quoted, with a blank
  const Table t = Parse(text);
  ASSERT_EQ(t.NumRows(), cells.size());
  const Column& a = t.Get("a");
  const Column& q = t.Get("q");
  ASSERT_TRUE(a.numeric);
  ASSERT_TRUE(q.numeric);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const double expected = std::strtod(cells[i].c_str(), nullptr);
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(a.values[i])) << cells[i];
      EXPECT_TRUE(std::isnan(q.values[i])) << cells[i];
      continue;
    }
    EXPECT_EQ(std::memcmp(&a.values[i], &expected, sizeof expected), 0) << cells[i];
    EXPECT_EQ(std::memcmp(&q.values[i], &expected, sizeof expected), 0) << " " << cells[i];
  }
  EXPECT_FALSE(Parse("a\n1\n1.5x\n").Get("a").numeric);
  EXPECT_FALSE(Parse("a\n1\n1e\n").Get("a").numeric);
  EXPECT_FALSE(Parse("a\n1\n--1\n").Get("a").numeric);
}

// Fields longer than the reader's block, and records across its edges, read whole.
TEST(Csv, RecordsAcrossReadBlocksReadWhole) {
  const std::string longText(3u << 20, 'x');  // three of the reader's 1 MiB blocks
  std::string text = "n,label\n";
  for (int i = 0; i < 50000; ++i) text += std::to_string(i) + ",\"a\"\"b\"\n";
  text += "50000,\"" + longText + "\"\r\n";
  for (int i = 50001; i < 200000; ++i) text += std::to_string(i) + "," + (i % 2 ? "c" : " d ") + "\n";
  const Table t = Parse(text);
  ASSERT_EQ(t.NumRows(), 200000u);
  const arma::vec n = t.Numeric("n");
  for (arma::uword i = 0; i < n.n_elem; ++i) ASSERT_EQ(n[i], static_cast<double>(i));
  const Column& label = t.Get("label");
  EXPECT_EQ(label.text[0], "a\"b");
  EXPECT_EQ(label.text[50000], longText);
  EXPECT_EQ(label.text[50001], "c");
  EXPECT_EQ(label.text[50002], "d");
}

}  // namespace
}  // namespace moest
