#include "moest/stream/chunk_source.hpp"

#include "moest/stream/binary_table.hpp"
#include "moest/stream/csv_chunks.hpp"

namespace moest {

std::unique_ptr<ChunkSource> OpenChunkSource(const std::string& path, std::size_t rows) {
  if (IsBinaryTable(path)) return std::make_unique<BinaryChunkSource>(path, rows);
  return std::make_unique<CsvChunkSource>(path, rows);
}

}  // namespace moest
