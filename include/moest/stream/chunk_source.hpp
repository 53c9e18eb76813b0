// A table read in chunks of rows, so that a file larger than memory can be passed over again and
// again (streaming EM). Every chunk is a Table whose messages name the file's row, so the checks of
// the in-memory reader (non-numeric, empty or non-finite cells) apply unchanged.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/io/csv.hpp"

namespace moest {

/**
 * A chunk source must provide Rewind() (back to the first data row), Next() (the next chunk of at
 * most ChunkRows() rows, or false at the end; a null chunk skips it without decoding its cells),
 * Names() (the column names) and Describe() (the input as messages name it).
 */
class ChunkSource {
 public:
  virtual ~ChunkSource() = default;
  virtual void Rewind() = 0;
  virtual bool Next(Table* chunk) = 0;
  virtual const std::vector<std::string>& Names() const = 0;
  virtual std::string Describe() const = 0;
  virtual std::size_t ChunkRows() const = 0;
};

/**
 * A chunk source over `path`: moest's binary table format when the file starts with its magic
 * bytes (see stream/binary_table.hpp), else CSV. InputError when it cannot be read or rows < 1.
 */
std::unique_ptr<ChunkSource> OpenChunkSource(const std::string& path, std::size_t rows);

}  // namespace moest
