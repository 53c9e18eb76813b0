// The columns of an information matrix by central differences of a gradient, one column per packed
// coordinate, computed on several threads. Each thread works on its own copy of the model, and every
// column depends only on its own coordinate, so the matrix is identical for any number of threads.
#pragma once

#include <functional>

#include "moest/model/model.hpp"

namespace moest {

/**
 * A gradient-like function of the model at a shifted parameter vector: `probe` holds the model at
 * theta + delta e_j (already unpacked), `j` is the shifted coordinate, `buffer` an n x K matrix the
 * thread keeps between its columns (for the responsibilities). Must not throw.
 */
using ShiftedGradient = std::function<arma::vec(const Model& probe, arma::uword j, arma::mat& buffer)>;

/**
 * The m x m matrix whose column j is -(f(theta + h_j e_j) - f(theta - h_j e_j)) / (2 h_j),
 * h_j = step * max(1, |theta_j|), theta = PackModel(model), symmetrised. Runs on
 * ResolveThreads(threads) threads, one task per coordinate and direction.
 */
arma::mat NegativeDifferenceJacobian(const Model& model, double step, int threads, const ShiftedGradient& f);

/**
 * A gradient that is a sum over rows, on rows first..last of the data: `rows` holds them (a copy, or
 * the whole data when they have groups), `probe` the model at theta + delta e_j, `buffer` a matrix the
 * thread keeps between calls. Must not throw.
 */
using RowsGradient = std::function<arma::vec(const Model& probe, arma::uword j, const Data& rows, arma::uword first,
                                             arma::uword last, arma::mat& buffer)>;

/**
 * The matrix of NegativeDifferenceJacobian for a gradient that is a sum over the rows of `data`, formed
 * block by block of rows (SumOverCacheBlocks): all 2m shifted gradients are taken on a block that stays
 * in a core's cache before the next block is read, so the data are read once instead of 2m times.
 * Identical for any number of threads. Data with groups (random effects: a sum over groups) are not
 * split: f sees them whole, one coordinate and direction per task, as in NegativeDifferenceJacobian.
 */
arma::mat NegativeDifferenceJacobianByRows(const Model& model, const Data& data, double step, int threads,
                                           const RowsGradient& f);

}  // namespace moest
