#include "moest/stream/chunked_data.hpp"

#include "moest/errors.hpp"
#include "moest/io/design.hpp"

namespace moest {

void CheckStreamableFormula(const Formula& formula) {
  for (const TermList* part : {&formula.expert, &formula.gate}) {
    for (const Term& term : part->terms) {
      if (term.degree > 0 && !term.raw) {
        throw InputError("the term " + term.Label() + " is an orthogonal polynomial, whose basis depends on the whole "
                         "column: it is not supported in streaming/distributed mode (use poly(" + term.column + ", " +
                         std::to_string(term.degree) + ", raw = TRUE) or fit in memory)");
      }
    }
  }
  if (formula.expert.offset.Present()) {
    throw InputError("offset(" + formula.expert.offset.Expression() +
                     ") is not supported in streaming/distributed mode (only gaussian experts are)");
  }
}

ChunkedData::ChunkedData(ChunkSource& source, const Formula& formula, int shard, int shards)
    : source_(source), formula_(formula), shard_(shard), shards_(shards) {
  CheckStreamableFormula(formula);
  if (shards < 1 || shard < 0 || shard >= shards) throw InputError("invalid shard " + std::to_string(shard));
  // The design names, from the file's first chunk.
  source_.Rewind();
  Table first;
  if (!source_.Next(&first)) throw InputError(source_.Describe() + " has no data rows");
  expertNames_ = BuildDesign(first, formula_.expert).names;
  gateNames_ = BuildDesign(first, formula_.gate).names;
  Rewind();
}

void ChunkedData::Rewind() {
  source_.Rewind();
  index_ = 0;
}

bool ChunkedData::Next(ChunkDesign& chunk) {
  Table table;
  for (;; ++index_) {
    const bool mine = index_ % shards_ == shard_;
    if (!source_.Next(mine ? &table : nullptr)) return false;
    if (mine) break;
  }
  ++index_;
  Build(table, chunk);
  return true;
}

void ChunkedData::Build(const Table& table, ChunkDesign& chunk) {
  chunk.y = table.Numeric(formula_.response);
  chunk.xExpert = BuildDesign(table, formula_.expert).x;
  chunk.xGate = BuildDesign(table, formula_.gate).x;
}

}  // namespace moest
