// moest's binary table format, for data passed over many times (streaming EM): parsing a large CSV
// file on every pass costs far more than the fit. Layout (little-endian):
//   8 bytes  "MOESTBIN"
//   uint32   format version (1)
//   uint32   number of columns c
//   uint64   number of rows n
//   c times: uint32 length, then the column name's bytes (UTF-8)
//   n * c    doubles, row-major (row 1's c values, then row 2's, ...)
// `moest convert data.csv data.bin` writes one from a CSV table (numeric columns only).
#pragma once

#include <fstream>

#include "moest/stream/chunk_source.hpp"

namespace moest {

/** True when the file at `path` starts with the binary table's magic bytes. */
bool IsBinaryTable(const std::string& path);

class BinaryChunkSource : public ChunkSource {
 public:
  /** InputError naming the file when it is not a readable binary table or is truncated. */
  BinaryChunkSource(const std::string& path, std::size_t rows);

  void Rewind() override;
  bool Next(Table* chunk) override;
  const std::vector<std::string>& Names() const override { return names_; }
  std::string Describe() const override { return "data file '" + path_ + "'"; }
  std::size_t ChunkRows() const override { return rows_; }
  /** The number of rows the header declares. */
  std::size_t NumRows() const { return nRows_; }

 private:
  std::string path_;
  std::size_t rows_;
  std::ifstream in_;
  std::vector<std::string> names_;
  std::size_t nRows_ = 0;
  std::size_t rowsRead_ = 0;
  std::streamoff dataStart_ = 0;
  std::vector<double> buffer_;
};

/**
 * Copy every chunk of `source` (each column must be numeric and finite: InputError naming the column
 * and file row otherwise) into a binary table at `path`, written under a temporary name and renamed
 * when complete. Returns the number of rows.
 */
std::size_t WriteBinaryTable(ChunkSource& source, const std::string& path);

}  // namespace moest
