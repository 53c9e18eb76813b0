#include "moest/solver/information_columns.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "moest/model/packing.hpp"
#include "moest/solver/cache_block_sums.hpp"
#include "moest/solver/parallel_starts.hpp"

namespace moest {

arma::mat NegativeDifferenceJacobian(const Model& model, double step, int threads, const ShiftedGradient& f) {
  const arma::vec theta = PackModel(model);
  const arma::uword m = theta.n_elem;
  arma::mat out(m, m, arma::fill::zeros);
  if (m == 0) return out;
  // One task per coordinate and direction, 2m in all: with m odd, one task per column would leave a
  // thread a whole column (two gradient passes) behind the other.
  const arma::uword tasks = 2 * m;
  const int team = std::max(1, std::min<int>(ResolveThreads(threads), static_cast<int>(tasks)));
  arma::mat up(m, m), down(m, m);
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
    for (arma::uword t = 0; t < tasks; ++t) {
      const arma::uword j = t / 2;
      const double h = step * std::max(1.0, std::abs(theta[j]));
      shifted[j] = t % 2 == 0 ? theta[j] + h : theta[j] - h;
      UnpackModel(probe, shifted);
      (t % 2 == 0 ? up : down).col(j) = f(probe, j, buffer);
      shifted[j] = theta[j];
    }
  }
  for (arma::uword j = 0; j < m; ++j) {
    const double h = step * std::max(1.0, std::abs(theta[j]));
    out.col(j) = -(up.col(j) - down.col(j)) / (2.0 * h);
  }
  return 0.5 * (out + out.t());
}

arma::mat NegativeDifferenceJacobianByRows(const Model& model, const Data& data, double step, int threads,
                                           const RowsGradient& f) {
  const arma::vec theta = PackModel(model);
  const arma::uword m = theta.n_elem;
  arma::mat out(m, m, arma::fill::zeros);
  if (m == 0 || data.N() == 0) return out;
  arma::vec h(m);
  for (arma::uword j = 0; j < m; ++j) h[j] = step * std::max(1.0, std::abs(theta[j]));
  // Column 2j of a block's part: the gradient at theta + h_j e_j on its rows; column 2j + 1: at theta - h_j e_j.
  const arma::vec sum = SumOverCacheBlocks(model, data, threads,
                                           [&](Model& probe, const Data& rows, arma::uword first, arma::uword last) {
                                             arma::mat part(m, 2 * m), buffer;
                                             arma::vec shifted = theta;
                                             for (arma::uword t = 0; t < 2 * m; ++t) {
                                               const arma::uword j = t / 2;
                                               shifted[j] = t % 2 == 0 ? theta[j] + h[j] : theta[j] - h[j];
                                               UnpackModel(probe, shifted);
                                               part.col(t) = f(probe, j, rows, first, last, buffer);
                                               shifted[j] = theta[j];
                                             }
                                             return arma::vec(arma::vectorise(part));
                                           });
  const arma::mat total = arma::reshape(sum, m, 2 * m);
  for (arma::uword j = 0; j < m; ++j) out.col(j) = -(total.col(2 * j) - total.col(2 * j + 1)) / (2.0 * h[j]);
  return 0.5 * (out + out.t());
}

}  // namespace moest
