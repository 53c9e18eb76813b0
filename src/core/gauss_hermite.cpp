#include "moest/numerics/gauss_hermite.hpp"

#include <cmath>

#include "moest/errors.hpp"

namespace moest::numerics {

GaussHermiteRule GaussHermite(arma::uword M) {
  if (M < 1) throw InputError("Gauss-Hermite quadrature needs at least one node");
  // Physicists' Hermite polynomials: the three-term recurrence gives a symmetric tridiagonal Jacobi
  // matrix with zero diagonal and off-diagonal sqrt(m / 2); its eigenvalues are the nodes and the
  // squared first components of its eigenvectors times sqrt(pi) the weights.
  arma::mat jacobi(M, M, arma::fill::zeros);
  for (arma::uword m = 1; m < M; ++m) {
    jacobi(m, m - 1) = jacobi(m - 1, m) = std::sqrt(0.5 * static_cast<double>(m));
  }
  arma::vec values;
  arma::mat vectors;
  if (!arma::eig_sym(values, vectors, jacobi)) {
    throw InputError("Gauss-Hermite quadrature: the eigen-decomposition failed for " + std::to_string(M) + " nodes");
  }
  GaussHermiteRule rule;
  rule.nodes = values;
  rule.weights = std::sqrt(arma::datum::pi) * arma::square(vectors.row(0).t());
  return rule;
}

}  // namespace moest::numerics
