// Reading a CSV file larger than one read block (ReadCsv reads 1 MiB at a time and sizes its columns
// from the first rows): the same table and the same messages as parsing the whole text at once.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "moest/io/csv.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::ErrorOf;

constexpr std::size_t kRows = 80000;  // about 2 MB: two read blocks and more

// A file written for one test and removed after it.
class CsvFile {
 public:
  explicit CsvFile(const std::string& text) {
    path_ = (std::filesystem::temp_directory_path() /
             ("moest_csv_blocks_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++) + ".csv"))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~CsvFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  static inline int counter_ = 0;
};

// A stream that cannot seek, as a pipe: the reader cannot tell its length in advance.
class UnseekableBuffer : public std::stringbuf {
 public:
  explicit UnseekableBuffer(const std::string& text) : std::stringbuf(text, std::ios::in) {}

 protected:
  pos_type seekoff(off_type, std::ios::seekdir, std::ios::openmode) override { return pos_type(-1); }
  pos_type seekpos(pos_type, std::ios::openmode) override { return pos_type(-1); }
};

// Rows id, value, label: value is NA every 997th row, label a quoted two-line field every 1009th row,
// with CRLF line ends on every third row.
std::string LargeText() {
  std::string text = "id,value,label\n";
  for (std::size_t i = 1; i <= kRows; ++i) {
    text += std::to_string(i) + "," + (i % 997 == 0 ? std::string("NA") : std::to_string(0.25 * i)) + ",";
    text += i % 1009 == 0 ? "\"two\nlines, \"\"" + std::to_string(i) + "\"\"\"" : "l" + std::to_string(i);
    text += i % 3 == 0 ? "\r\n" : "\n";
  }
  return text;
}

Table FromText(const std::string& text, const std::string& source = "data file 'x'") {
  std::istringstream in(text);
  return ParseCsv(in, source);
}

void ExpectSameTable(const Table& a, const Table& b) {
  ASSERT_EQ(a.NumRows(), b.NumRows());
  ASSERT_EQ(a.Columns().size(), b.Columns().size());
  for (std::size_t j = 0; j < a.Columns().size(); ++j) {
    const Column& x = a.Columns()[j];
    const Column& y = b.Columns()[j];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.numeric, y.numeric);
    EXPECT_EQ(x.missing, y.missing);
    EXPECT_EQ(x.text, y.text);
    EXPECT_EQ(x.firstBadRow, y.firstBadRow);
    EXPECT_EQ(x.firstBadValue, y.firstBadValue);
    ASSERT_EQ(x.values.size(), y.values.size());
    for (std::size_t i = 0; i < x.values.size(); ++i) {
      if (std::isnan(x.values[i]) && std::isnan(y.values[i])) continue;
      ASSERT_EQ(x.values[i], y.values[i]) << x.name << " row " << i + 1;
    }
  }
}

TEST(CsvBlocks, LargeFileReadsEveryValueMissingFlagAndQuotedField) {
  const std::string text = LargeText();
  ASSERT_GT(text.size(), std::size_t{3} << 19);  // past the first 1 MiB block, well into the second
  const CsvFile file(text);
  const Table table = ReadCsv(file.path());
  ASSERT_EQ(table.NumRows(), kRows);
  const Column& id = table.Get("id");
  const Column& value = table.Get("value");
  const Column& label = table.Get("label");
  ASSERT_TRUE(id.numeric && value.numeric);
  ASSERT_FALSE(label.numeric);
  for (std::size_t i = 1; i <= kRows; ++i) {
    ASSERT_EQ(id.values[i - 1], static_cast<double>(i));
    ASSERT_EQ(value.missing[i - 1], i % 997 == 0 ? 1 : 0) << "row " << i;
    if (i % 997 != 0) ASSERT_EQ(value.values[i - 1], 0.25 * i) << "row " << i;
    const std::string expected = i % 1009 == 0 ? "two\nlines, \"" + std::to_string(i) + "\"" : "l" + std::to_string(i);
    ASSERT_EQ(label.text[i - 1], expected) << "row " << i;
  }
  // The columns were sized from the first rows, not grown by doubling, and keep little to spare.
  EXPECT_LE(id.values.capacity(), kRows + kRows / 16);
  EXPECT_LE(value.missing.capacity(), kRows + kRows / 16);
  ExpectSameTable(table, FromText(text));
  UnseekableBuffer buffer(text);
  std::istream pipe(&buffer);
  ExpectSameTable(table, ParseCsv(pipe, "data file 'x'"));
}

TEST(CsvBlocks, MessagesNameRowsAndLinesPastTheFirstBlock) {
  const std::string text = LargeText();
  const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  // An empty cell in the last row: Numeric names the row.
  const CsvFile empty(text + ",0.5,last\n");
  EXPECT_NE(ErrorOf([&] { ReadCsv(empty.path()).Numeric("id"); }).find("row 80001"), std::string::npos);
  EXPECT_NE(ErrorOf([&] { ReadCsv(empty.path()).Numeric("value"); }).find("row 997"), std::string::npos);
  // A ragged record after the first block: the message names its line, as the file counts them.
  const CsvFile ragged(text + "1,2\n");
  const std::string raggedMessage = ErrorOf([&] { ReadCsv(ragged.path()); });
  EXPECT_NE(raggedMessage.find("line " + std::to_string(lines + 1) + " has 2 fields but the header has 3"),
            std::string::npos)
      << raggedMessage;
  EXPECT_EQ(raggedMessage, ErrorOf([&] { FromText(text + "1,2\n", "data file '" + ragged.path() + "'"); }));
  // A quoted field never closed, opened on the last line.
  const CsvFile open(text + "1,2,\"open\n3,4,5\n");
  EXPECT_NE(ErrorOf([&] { ReadCsv(open.path()); }).find("opened on line " + std::to_string(lines + 1) + " is never closed"),
            std::string::npos);
}

TEST(CsvBlocks, ColumnTurnsToTextAfterTheColumnsWereSized) {
  std::string text = LargeText();
  text += "80001,high,x\n";
  const CsvFile file(text);
  const Table table = ReadCsv(file.path());
  const Column& value = table.Get("value");
  ASSERT_FALSE(value.numeric);
  EXPECT_EQ(value.firstBadRow, kRows + 1);
  EXPECT_TRUE(value.values.empty());
  ASSERT_EQ(value.text.size(), kRows + 1);
  EXPECT_EQ(value.text[3], "1");  // the numbers before are kept as %.17g writes them
  EXPECT_EQ(value.text[996], "");
  EXPECT_EQ(value.text[kRows], "high");
  EXPECT_NE(ErrorOf([&] { table.Numeric("value"); }).find("row 80001 holds 'high'"), std::string::npos);
  ExpectSameTable(table, FromText(text));
}

}  // namespace
}  // namespace moest
