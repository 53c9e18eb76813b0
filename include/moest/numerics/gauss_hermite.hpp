// Gauss-Hermite quadrature: integral exp(-s^2) f(s) ds ~ sum_m weight_m f(node_m), exact for
// polynomials of degree < 2M. Nodes and weights by Golub-Welsch (eigen-decomposition of the Jacobi
// matrix of the Hermite polynomials).
#pragma once

#include "moest/arma.hpp"

namespace moest::numerics {

struct GaussHermiteRule {
  arma::vec nodes;    // ascending
  arma::vec weights;  // positive, summing to sqrt(pi)
};

/** The M-point rule (M >= 1); InputError when the eigen-decomposition fails. */
GaussHermiteRule GaussHermite(arma::uword M);

}  // namespace moest::numerics
