#include "moest/solver/cache_block_sums.hpp"

#include <algorithm>
#include <vector>

#include "moest/model/row_blocks.hpp"
#include "moest/solver/parallel_starts.hpp"

namespace moest {

namespace {

// Groups of consecutive blocks: enough for two to eight threads to share out evenly, few enough that
// their partial sums stay small.
constexpr arma::uword kGroups = 64;

}  // namespace

arma::vec SumOverCacheBlocks(const Model& model, const Data& data, int threads, const CacheBlockPart& part) {
  const arma::uword n = data.N();
  if (n == 0) return arma::vec();
  if (data.group != nullptr) {
    Model copy = model;
    return part(copy, data, 0, n - 1);
  }
  const arma::uword blocks = (n + kCacheRows - 1) / kCacheRows;
  const arma::uword groups = std::min(blocks, kGroups);
  std::vector<arma::vec> sums(groups);
  const int team = std::max(1, std::min<int>(ResolveThreads(threads), static_cast<int>(groups)));
#ifdef _OPENMP
#pragma omp parallel num_threads(team)
#endif
  {
    Model copy = model;
    RowBlock block;
#ifdef _OPENMP
#pragma omp for schedule(dynamic)
#endif
    for (arma::uword g = 0; g < groups; ++g) {
      for (arma::uword b = g * blocks / groups; b < (g + 1) * blocks / groups; ++b) {
        const arma::uword first = b * kCacheRows, last = std::min(n, first + kCacheRows) - 1;
        arma::vec piece = part(copy, block.Take(data, first, last), first, last);
        if (sums[g].is_empty()) {
          sums[g] = std::move(piece);
        } else {
          sums[g] += piece;
        }
      }
    }
  }
  arma::vec total = std::move(sums[0]);
  for (arma::uword g = 1; g < groups; ++g) total += sums[g];
  return total;
}

}  // namespace moest
