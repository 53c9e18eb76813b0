#include "moest/solver/information_columns.hpp"

#include <algorithm>
#include <cmath>

#include "moest/model/packing.hpp"
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

}  // namespace moest
