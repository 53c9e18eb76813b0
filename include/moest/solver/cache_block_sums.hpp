// Sums over the rows of a data set, block by block of rows small enough to stay in a core's cache, on
// several threads, with the same result for any number of threads.
//
// Why: on this kind of machine two threads that each stream data larger than the cache share the
// memory bandwidth and run little faster than one (measured: 26 gradient passes at n = 1e5 on two
// threads, 13 each, took as long as 26 on one). Work that visits a block several times (the 2m shifted
// gradients of an information matrix) reads it from memory once.
#pragma once

#include <functional>

#include "moest/model/model.hpp"

namespace moest {

/** Rows per block: with a few columns, a block's data, posterior and workspaces fit in a 1 MiB L2 cache. */
constexpr arma::uword kCacheRows = 4096;

/**
 * A block's part of a sum: `copy` is the calling thread's own copy of the model (its components keep
 * mutable caches; the part may change its parameters), `rows` a copy of rows first..last of the data.
 * Must not throw, and must return vectors of one length.
 */
using CacheBlockPart =
    std::function<arma::vec(Model& copy, const Data& rows, arma::uword first, arma::uword last)>;

/**
 * The sum of part() over consecutive blocks of kCacheRows rows of `data`, on ResolveThreads(threads)
 * threads. The blocks fall into a fixed number of groups whatever the thread count; each group is
 * summed in order by one thread and the groups are summed in order, so the result is identical for any
 * number of threads. Data with groups (random effects: a sum over groups) are not split: part() sees
 * them whole, on the calling thread. Empty when the data have no rows.
 */
arma::vec SumOverCacheBlocks(const Model& model, const Data& data, int threads, const CacheBlockPart& part);

}  // namespace moest
