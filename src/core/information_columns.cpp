#include "moest/solver/information_columns.hpp"

#include <algorithm>
#include <cmath>

#include "moest/model/packing.hpp"
#include "moest/solver/cache_block_sums.hpp"
#include "moest/solver/parallel_starts.hpp"

namespace moest {

namespace {

// Task t of a difference matrix shifts coordinate t / 2, up for even t and down for odd t: 2m tasks in
// all, so that two threads get equal shares even when m is odd.

/** h_j = step * max(1, |theta_j|). */
arma::vec DifferenceSteps(const arma::vec& theta, double step) {
  arma::vec h(theta.n_elem);
  for (arma::uword j = 0; j < theta.n_elem; ++j) h[j] = step * std::max(1.0, std::abs(theta[j]));
  return h;
}

/** Sets shifted[t / 2] to theta's value moved by task t's step, and returns the coordinate. */
arma::uword Shift(arma::vec& shifted, const arma::vec& theta, const arma::vec& h, arma::uword t) {
  const arma::uword j = t / 2;
  shifted[j] = t % 2 == 0 ? theta[j] + h[j] : theta[j] - h[j];
  return j;
}

/** The symmetrised matrix whose column j is -(f up - f down) / (2 h_j), from the m x 2m task columns. */
arma::mat NegativeCentralDifferences(const arma::mat& tasks, const arma::vec& h) {
  arma::mat out(h.n_elem, h.n_elem);
  for (arma::uword j = 0; j < h.n_elem; ++j) out.col(j) = -(tasks.col(2 * j) - tasks.col(2 * j + 1)) / (2.0 * h[j]);
  return 0.5 * (out + out.t());
}

}  // namespace

arma::mat NegativeDifferenceJacobian(const Model& model, double step, int threads, const ShiftedGradient& f) {
  const arma::vec theta = PackModel(model);
  const arma::uword m = theta.n_elem;
  if (m == 0) return arma::mat();
  const arma::vec h = DifferenceSteps(theta, step);
  const arma::uword count = 2 * m;
  const int team = std::max(1, std::min<int>(ResolveThreads(threads), static_cast<int>(count)));
  arma::mat tasks(m, count);
#ifdef _OPENMP
#pragma omp parallel num_threads(team)
#endif
  {
    Model probe = model;  // each thread its own copy: the components keep mutable caches
    arma::vec shifted = theta;
    arma::mat buffer;
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (arma::uword t = 0; t < count; ++t) {
      const arma::uword j = Shift(shifted, theta, h, t);
      UnpackModel(probe, shifted);
      tasks.col(t) = f(probe, j, buffer);
      shifted[j] = theta[j];
    }
  }
  return NegativeCentralDifferences(tasks, h);
}

arma::mat NegativeDifferenceJacobianByRows(const Model& model, const Data& data, double step, int threads,
                                           const RowsGradient& f) {
  if (data.group != nullptr) {  // random effects: a sum over groups, so the data are not split
    return NegativeDifferenceJacobian(model, step, threads, [&](const Model& probe, arma::uword j, arma::mat& buffer) {
      return f(probe, j, data, 0, data.N() - 1, buffer);
    });
  }
  const arma::vec theta = PackModel(model);
  const arma::uword m = theta.n_elem;
  if (m == 0 || data.N() == 0) return arma::mat(m, m, arma::fill::zeros);
  const arma::vec h = DifferenceSteps(theta, step);
  const arma::vec sum = SumOverCacheBlocks(model, data, threads,
                                           [&](Model& probe, const Data& rows, arma::uword first, arma::uword last) {
                                             arma::mat tasks(m, 2 * m), buffer;
                                             arma::vec shifted = theta;
                                             for (arma::uword t = 0; t < 2 * m; ++t) {
                                               const arma::uword j = Shift(shifted, theta, h, t);
                                               UnpackModel(probe, shifted);
                                               tasks.col(t) = f(probe, j, rows, first, last, buffer);
                                               shifted[j] = theta[j];
                                             }
                                             return arma::vec(arma::vectorise(tasks));
                                           });
  return NegativeCentralDifferences(arma::reshape(sum, m, 2 * m), h);
}

}  // namespace moest
