// The designs of a formula, built chunk by chunk from a ChunkSource with the same machinery as the
// in-memory fit (BuildDesign on each chunk's table). Terms that need the whole data before any row
// can be evaluated (orthogonal polynomials) are refused; so are offsets (Gaussian experts take none).
#pragma once

#include <string>
#include <vector>

#include "moest/io/formula.hpp"
#include "moest/stream/chunk_source.hpp"

namespace moest {

/** One chunk's response and designs. */
struct ChunkDesign {
  arma::mat y;        // m x 1
  arma::mat xExpert;  // m x p
  arma::mat xGate;    // m x q
};

class ChunkedData {
 public:
  /**
   * The chunks of `source` whose index c has c mod shards == shard (the rows one process of a
   * distributed fit reads). InputError naming the term a streaming fit cannot evaluate chunk by chunk.
   */
  ChunkedData(ChunkSource& source, const Formula& formula, int shard = 0, int shards = 1);

  /** Back to this shard's first chunk. */
  void Rewind();
  /** This shard's next chunk; false at the end. InputError naming the column and file row of a bad cell. */
  bool Next(ChunkDesign& chunk);

  const std::vector<std::string>& ExpertNames() const { return expertNames_; }
  const std::vector<std::string>& GateNames() const { return gateNames_; }
  const ChunkSource& Source() const { return source_; }

 private:
  void Build(const Table& table, ChunkDesign& chunk);

  ChunkSource& source_;
  Formula formula_;
  int shard_, shards_;
  long long index_ = 0;  // index of the next chunk of the file
  std::vector<std::string> expertNames_, gateNames_;
};

/** InputError naming the first term of `formula` that streaming cannot evaluate chunk by chunk. */
void CheckStreamableFormula(const Formula& formula);

}  // namespace moest
