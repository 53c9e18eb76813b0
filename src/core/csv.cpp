#include "moest/io/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_set>

#include "moest/errors.hpp"
#include "moest/io/text.hpp"

namespace moest {

namespace {

// Bytes of a file read at a time.
constexpr std::size_t kReadBlock = std::size_t{1} << 20;

// Splits a stream into records of fields (RFC 4180 quoting). It reads the stream a block at a time,
// so that a large file is never held whole, and copies each run of ordinary characters into its field
// in one step. `line` receives each record's 1-based starting line, for messages.
class RecordReader {
 public:
  RecordReader(std::streambuf& in, const std::string& source)
      : in_(in), source_(source), block_(new char[kReadBlock]) {}  // not zeroed: sgetn fills what is read

  /**
   * The next record's fields in fields[0, count): the vector keeps its strings from record to record,
   * so that their storage is reused. False at the end of the stream.
   */
  bool Next(std::vector<std::string>& fields, std::size_t& count, std::size_t& line) {
    count = 0;
    // Skip blank lines between records.
    for (int c = Peek(); c == '\n' || c == '\r'; c = Peek()) {
      if (c == '\n') ++line_;
      Advance(1);
    }
    if (Peek() == kEnd) return false;
    line = line_;
    std::string* field = &Open(fields, count);
    bool quoted = false;
    bool wasQuoted = false;
    while (Peek() != kEnd) {
      // The run of characters up to the next one with a meaning, appended in one step.
      const char* run = at_;
      if (quoted) {
        while (run != end_ && *run != '"' && *run != '\n') ++run;
      } else {
        while (run != end_ && *run != ',' && *run != '\n' && *run != '\r' && *run != '"') ++run;
      }
      field->append(at_, run);
      Advance(static_cast<std::size_t>(run - at_));
      if (at_ == end_) continue;  // the run reached the end of the block: read on
      const char c = *at_;
      Advance(1);
      if (quoted) {
        if (c == '"') {
          if (Peek() == '"') {
            *field += '"';
            Advance(1);
          } else {
            quoted = false;
          }
        } else {  // a line break inside quotes belongs to the field
          ++line_;
          *field += c;
        }
      } else if (c == '"') {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        if (!wasQuoted) TrimInPlace(*field);
        field = &Open(fields, count);
        wasQuoted = false;
      } else if (c == '\n') {
        ++line_;
        break;
      }  // '\r' outside quotes is dropped
    }
    if (quoted) {
      throw InputError(source_ + ": a quoted field opened on line " + std::to_string(line) +
                       " is never closed");
    }
    if (!wasQuoted) TrimInPlace(*field);
    return true;
  }

  /** Characters consumed so far. */
  std::size_t BytesRead() const { return bytesRead_; }

 private:
  static constexpr int kEnd = std::char_traits<char>::eof();

  /** fields[count], emptied, as the next field (a new string only when the vector is too short). */
  static std::string& Open(std::vector<std::string>& fields, std::size_t& count) {
    if (count == fields.size()) fields.emplace_back();
    std::string& field = fields[count++];
    field.clear();
    return field;
  }

  static bool Blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

  /** Trim's blanks off both ends, copying only a field that has any (few do). */
  static void TrimInPlace(std::string& s) {
    if (!s.empty() && (Blank(s.front()) || Blank(s.back()))) s = Trim(s);
  }

  /** The next character without consuming it (reading the next block when this one is used up). */
  int Peek() {
    if (at_ == end_) {
      const std::streamsize got = in_.sgetn(block_.get(), static_cast<std::streamsize>(kReadBlock));
      if (got <= 0) return kEnd;
      at_ = block_.get();
      end_ = at_ + got;
    }
    return static_cast<unsigned char>(*at_);
  }

  void Advance(std::size_t n) {
    at_ += n;
    bytesRead_ += n;
  }

  std::streambuf& in_;
  const std::string& source_;
  std::unique_ptr<char[]> block_;
  const char* at_ = nullptr;
  const char* end_ = nullptr;
  std::size_t line_ = 1;
  std::size_t bytesRead_ = 0;
};

// The characters left in a seekable stream; 0 when it cannot tell (a pipe).
std::size_t BytesLeft(std::streambuf& in) {
  const auto here = in.pubseekoff(0, std::ios::cur, std::ios::in);
  if (here == std::streampos(-1)) return 0;
  const auto end = in.pubseekoff(0, std::ios::end, std::ios::in);
  in.pubseekpos(here, std::ios::in);
  return end == std::streampos(-1) || end < here ? 0 : static_cast<std::size_t>(end - here);
}

// Rows read before the row count of a file is estimated from their length.
constexpr std::size_t kSampleRows = 1024;

bool IsMissing(const std::string& cell) {
  return cell.empty() || (cell.size() == 2 && cell[0] == 'N' && cell[1] == 'A');
}

// The whole cell as a number. std::from_chars reads the common forms quickly and rounds exactly as
// strtod does; strtod takes what from_chars leaves (a sign '+', hexadecimal, out of range), so the
// numbers accepted and their values are strtod's.
bool ParseNumber(const std::string& cell, double& value) {
  const char* begin = cell.data();
  const char* end = begin + cell.size();
  const std::from_chars_result fast = std::from_chars(begin, end, value);
  if (fast.ec == std::errc() && fast.ptr == end) return true;
  char* stop = nullptr;
  errno = 0;
  value = std::strtod(begin, &stop);
  return stop != begin && *stop == '\0';
}

std::string FormatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

bool Table::Has(const std::string& name) const {
  for (const Column& column : columns_) {
    if (column.name == name) return true;
  }
  return false;
}

std::string Table::NameList() const {
  std::string names;
  for (const Column& column : columns_) names += (names.empty() ? "" : ", ") + column.name;
  return names;
}

const Column& Table::Get(const std::string& name) const {
  for (const Column& column : columns_) {
    if (column.name == name) return column;
  }
  throw InputError("column '" + name + "' is not in the data (columns: " + NameList() + ")");
}

arma::vec Table::Numeric(const std::string& name) const {
  arma::vec out(nRows_);
  CopyNumeric(name, out.memptr());
  return out;
}

void Table::CopyNumeric(const std::string& name, double* out) const {
  const Column& column = Get(name);
  if (!column.numeric) {
    throw InputError("column '" + name + "' is not numeric: row " + std::to_string(column.firstBadRow) +
                     " holds '" + column.firstBadValue + "'");
  }
  for (std::size_t i = 0; i < nRows_; ++i) {
    if (column.missing[i]) {
      throw InputError("column '" + name + "' has an empty or NA cell in row " + std::to_string(rowsBefore_ + i + 1));
    }
    if (!std::isfinite(column.values[i])) {
      throw InputError("column '" + name + "' has a non-finite value (" + FormatNumber(column.values[i]) +
                       ") in row " + std::to_string(rowsBefore_ + i + 1));
    }
    out[i] = column.values[i];
  }
}

void Table::ReserveRows(std::size_t rows) {
  for (Column& column : columns_) {
    if (column.numeric) {
      column.values.reserve(rows);
    } else {
      column.text.reserve(rows);
    }
    column.missing.reserve(rows);
  }
}

void Table::ShrinkColumns() {
  // A column with a sixteenth or less to spare keeps it: shrinking copies the column.
  const auto shrink = [this](auto& cells) {
    if (cells.capacity() - cells.size() > nRows_ / 16) cells.shrink_to_fit();
  };
  for (Column& column : columns_) {
    shrink(column.values);
    shrink(column.text);
    shrink(column.missing);
  }
}

Table ParseCsv(std::istream& in, const std::string& source, const CsvPosition& position) {
  std::streambuf& buffer = *in.rdbuf();
  const std::size_t bytes = BytesLeft(buffer);
  RecordReader reader(buffer, source);
  std::vector<std::string> fields;
  std::size_t count = 0, line = 0;
  if (!reader.Next(fields, count, line)) throw InputError(source + " is empty: expected a header row");
  fields.resize(count);
  const std::size_t headerBytes = reader.BytesRead();
  Table table;
  table.rowsBefore_ = position.rowsBefore;
  std::unordered_set<std::string> seen;
  for (const std::string& raw : fields) {
    if (raw.empty()) throw InputError(source + ": the header has an empty column name");
    if (!seen.insert(raw).second) throw InputError(source + ": the header names column '" + raw + "' twice");
    Column column;
    column.name = raw;
    table.columns_.push_back(column);
  }
  const std::size_t width = table.columns_.size();
  while (reader.Next(fields, count, line)) {
    if (count != width) {
      throw InputError(source + ": line " + std::to_string(position.linesBefore + line) + " has " + std::to_string(count) +
                       " fields but the header has " + std::to_string(width));
    }
    const std::size_t row = ++table.nRows_;
    if (row == kSampleRows && bytes > 0) {
      // The columns take the file's rows at the sample's length (and a little more), rather than
      // doubling their capacity as they grow, which would peak at three times a column.
      const double perRow = static_cast<double>(reader.BytesRead() - headerBytes) / static_cast<double>(row);
      table.ReserveRows(static_cast<std::size_t>(1.02 * static_cast<double>(bytes - headerBytes) / perRow) + 16);
    }
    for (std::size_t j = 0; j < width; ++j) {
      Column& column = table.columns_[j];
      const std::string& cell = fields[j];
      const bool missing = IsMissing(cell);
      column.missing.push_back(missing ? 1 : 0);
      double value = arma::datum::nan;
      const bool number = !missing && ParseNumber(cell, value);
      if (column.numeric && !missing && !number) {
        // The first non-number turns the column to text; earlier numbers are kept as written by %.17g.
        column.numeric = false;
        column.firstBadRow = position.rowsBefore + row;
        column.firstBadValue = cell;
        column.text.reserve(std::max(column.values.size() + 1, column.values.capacity()));
        for (std::size_t i = 0; i < column.values.size(); ++i) {
          column.text.push_back(column.missing[i] ? "" : FormatNumber(column.values[i]));
        }
        decltype(column.values)().swap(column.values);
      }
      if (column.numeric) {
        column.values.push_back(value);
      } else {
        column.text.push_back(missing ? "" : cell);
      }
    }
  }
  table.ShrinkColumns();
  return table;
}

Table Table::FromMatrix(const std::vector<std::string>& names, const arma::mat& values, std::size_t rowsBefore) {
  Table table;
  table.rowsBefore_ = rowsBefore;
  table.nRows_ = values.n_rows;
  for (std::size_t j = 0; j < names.size(); ++j) {
    Column column;
    column.name = names[j];
    column.values.assign(values.colptr(j), values.colptr(j) + values.n_rows);
    column.missing.assign(values.n_rows, 0);
    table.columns_.push_back(std::move(column));
  }
  return table;
}

Table ReadCsv(const std::string& path) {
  if (std::filesystem::is_directory(path)) throw InputError("data file '" + path + "' is a directory");
  // The stream keeps its default buffer: the reader asks for whole blocks, which the file buffer reads
  // straight into the reader's block.
  std::ifstream in;
  in.open(path, std::ios::binary);
  if (!in) throw InputError("cannot read data file '" + path + "': " + std::strerror(errno));
  return ParseCsv(in, "data file '" + path + "'");
}

std::string FormatCsv(const std::vector<std::string>& names, const arma::mat& values) {
  std::string out;
  for (std::size_t j = 0; j < names.size(); ++j) out += (j ? "," : "") + names[j];
  out += '\n';
  char buffer[32];
  for (arma::uword i = 0; i < values.n_rows; ++i) {
    for (arma::uword j = 0; j < values.n_cols; ++j) {
      if (j) out += ',';
      if (std::isnan(values(i, j))) {
        out += "NA";  // what R and most readers take as missing
        continue;
      }
      std::snprintf(buffer, sizeof buffer, "%.17g", values(i, j));
      out += buffer;
    }
    out += '\n';
  }
  return out;
}

}  // namespace moest
