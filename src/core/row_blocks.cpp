#include "moest/model/row_blocks.hpp"

#include <algorithm>

namespace moest {

bool UsesRowBlocks(const Data& data) { return data.N() > 2 * kRowBlock && data.group == nullptr; }

const Data& RowBlock::Take(const Data& data, arma::uword first, arma::uword last) {
  const bool shared = &data.xGate == &data.xExpert;
  y_ = data.y.rows(first, last);
  xExpert_ = data.xExpert.rows(first, last);
  if (!shared) xGate_ = data.xGate.rows(first, last);
  if (data.offset != nullptr) offset_ = data.offset->subvec(first, last);
  view_.emplace(y_, xExpert_, shared ? xExpert_ : xGate_, nullptr, data.offset != nullptr ? &offset_ : nullptr);
  return *view_;
}

void ForEachRowBlock(const Data& data, const std::function<void(const Data&, arma::uword, arma::uword)>& visit) {
  const arma::uword n = data.N();
  RowBlock block;
  for (arma::uword first = 0; first < n; first += kRowBlock) {
    const arma::uword last = std::min(n, first + kRowBlock) - 1;
    visit(block.Take(data, first, last), first, last);
  }
}

}  // namespace moest
