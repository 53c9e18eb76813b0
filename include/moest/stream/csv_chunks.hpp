// A CSV file read in chunks of records (RFC 4180 quoting, records may span lines).
#pragma once

#include <fstream>

#include "moest/stream/chunk_source.hpp"

namespace moest {

class CsvChunkSource : public ChunkSource {
 public:
  /** InputError when `path` cannot be read or has no header row. */
  CsvChunkSource(const std::string& path, std::size_t rows);

  void Rewind() override;
  bool Next(Table* chunk) override;
  const std::vector<std::string>& Names() const override { return names_; }
  std::string Describe() const override { return "data file '" + path_ + "'"; }
  std::size_t ChunkRows() const override { return rows_; }

 private:
  /** Appends the next record's lines (and any blank lines before it) to `text`; false at the end. */
  bool ReadRecord(std::string& text);

  std::string path_;
  std::size_t rows_;
  std::ifstream in_;
  std::string header_;             // the header record, as read
  std::size_t headerLines_ = 0;
  std::vector<std::string> names_;
  std::size_t rowsRead_ = 0;       // data records consumed so far
  std::size_t linesRead_ = 0;      // file lines consumed so far, header included
  std::streampos dataStart_;
};

}  // namespace moest
