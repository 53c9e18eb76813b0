#include "moest/stream/csv_chunks.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "moest/errors.hpp"

namespace moest {

namespace {

bool Blank(const std::string& line) { return line.empty() || line == "\r"; }

}  // namespace

CsvChunkSource::CsvChunkSource(const std::string& path, std::size_t rows) : path_(path), rows_(rows) {
  if (rows < 1) throw InputError("the chunk size must be at least 1 row");
  if (std::filesystem::is_directory(path)) throw InputError("data file '" + path + "' is a directory");
  in_.open(path, std::ios::binary);
  if (!in_) throw InputError("cannot read data file '" + path + "': " + std::strerror(errno));
  if (!ReadRecord(header_)) throw InputError(Describe() + " is empty: expected a header row");
  headerLines_ = linesRead_;
  std::istringstream header(header_);
  const Table names = ParseCsv(header, Describe());
  for (const Column& column : names.Columns()) names_.push_back(column.name);
  dataStart_ = in_.tellg();
}

bool CsvChunkSource::ReadRecord(std::string& text) {
  std::string line;
  bool started = false;
  std::size_t quotes = 0;
  while (std::getline(in_, line)) {
    ++linesRead_;
    if (!started && Blank(line)) {
      text += line + "\n";  // kept so that the chunk's line numbers stay the file's
      continue;
    }
    started = true;
    quotes += static_cast<std::size_t>(std::count(line.begin(), line.end(), '"'));
    text += line + "\n";
    if (quotes % 2 == 0) return true;  // every quoted field closed: the record ends here
  }
  return started;  // an unclosed quote at the end: ParseCsv names it
}

void CsvChunkSource::Rewind() {
  in_.clear();
  in_.seekg(dataStart_);
  rowsRead_ = 0;
  linesRead_ = headerLines_;
}

bool CsvChunkSource::Next(Table* chunk) {
  const std::size_t rowsBefore = rowsRead_, linesBefore = linesRead_;
  std::string text = header_;
  std::size_t records = 0;
  while (records < rows_ && ReadRecord(text)) ++records;
  if (records == 0) return false;
  rowsRead_ += records;
  if (chunk != nullptr) {
    std::istringstream in(text);
    // The chunk's text repeats the header's lines before the file's lines from linesBefore + 1 on.
    *chunk = ParseCsv(in, Describe(), {rowsBefore, linesBefore - headerLines_});
  }
  return true;
}

}  // namespace moest
