// Sums over the rows of a large data set, taken block by block: the gradient passes of the standard
// errors and of the convergence diagnostics then need workspace for one block, not n x K matrices.
#pragma once

#include <functional>
#include <optional>

#include "moest/data.hpp"

namespace moest {

/** Rows per block. */
constexpr arma::uword kRowBlock = arma::uword(1) << 16;

/** Whether sums over `data` are taken in blocks: more than two blocks' rows, and no groups. */
bool UsesRowBlocks(const Data& data);

/**
 * Calls `visit(block, first, last)` for consecutive blocks of rows first..last of `data`, each a copy
 * (one copy when the gate's design is the experts', as it is when their terms are equal).
 */
void ForEachRowBlock(const Data& data, const std::function<void(const Data&, arma::uword, arma::uword)>& visit);

/** A copy of some rows of a data set, kept for the next rows (its buffers are reused). */
class RowBlock {
 public:
  /** Rows first..last of `data` (no groups), valid until the next call. */
  const Data& Take(const Data& data, arma::uword first, arma::uword last);

 private:
  arma::mat y_, xExpert_, xGate_;
  arma::vec offset_;
  std::optional<Data> view_;
};

}  // namespace moest
