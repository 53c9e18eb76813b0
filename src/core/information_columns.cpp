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
  const int team = std::max(1, std::min<int>(ResolveThreads(threads), static_cast<int>(m)));
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
    for (arma::uword j = 0; j < m; ++j) {
      const double h = step * std::max(1.0, std::abs(theta[j]));
      shifted[j] = theta[j] + h;
      UnpackModel(probe, shifted);
      const arma::vec up = f(probe, j, buffer);
      shifted[j] = theta[j] - h;
      UnpackModel(probe, shifted);
      const arma::vec down = f(probe, j, buffer);
      shifted[j] = theta[j];
      out.col(j) = -(up - down) / (2.0 * h);
    }
  }
  return 0.5 * (out + out.t());
}

}  // namespace moest
