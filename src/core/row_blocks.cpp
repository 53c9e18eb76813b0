#include "moest/model/row_blocks.hpp"

#include <algorithm>

namespace moest {

bool UsesRowBlocks(const Data& data) { return data.N() > 2 * kRowBlock && data.group == nullptr; }

void ForEachRowBlock(const Data& data, const std::function<void(const Data&, arma::uword, arma::uword)>& visit) {
  const arma::uword n = data.N();
  const bool shared = &data.xGate == &data.xExpert;
  arma::mat y, xExpert, xGate;
  arma::vec offset;
  for (arma::uword first = 0; first < n; first += kRowBlock) {
    const arma::uword last = std::min(n, first + kRowBlock) - 1;
    y = data.y.rows(first, last);
    xExpert = data.xExpert.rows(first, last);
    if (!shared) xGate = data.xGate.rows(first, last);
    if (data.offset != nullptr) offset = data.offset->subvec(first, last);
    visit(Data(y, xExpert, shared ? xExpert : xGate, nullptr, data.offset != nullptr ? &offset : nullptr), first, last);
  }
}

}  // namespace moest
