// The Cholesky factor L of a density gate's covariance (or scatter) matrix S = L L', shared by the
// Gaussian- and Student-t-density gates: its unconstrained packing (log of the diagonal, then the
// strictly lower entries column by column; only the log-diagonal when the matrix is diagonal), its
// computation from a weighted covariance with a floor, and whitening.
#pragma once

#include "moest/arma.hpp"

namespace moest::scale_factor {

/** Number of free parameters of a q x q factor (q for a diagonal one, q(q+1)/2 for a full one). */
arma::uword Count(arma::uword q, bool diagonal);
/** The unconstrained coordinates of the lower-triangular factor L (positive diagonal). */
arma::vec Pack(const arma::mat& L, bool diagonal);
/** The factor from Count(q, diagonal) coordinates starting at `theta[offset]`. */
arma::mat Unpack(const arma::vec& theta, arma::uword offset, arma::uword q, bool diagonal);
/**
 * The gradient in packed coordinates from `dL`, the derivative of a function with respect to the
 * entries of L (only its lower triangle is used; only its diagonal when diagonal).
 */
arma::vec PackGradient(const arma::mat& L, const arma::mat& dL, bool diagonal);
/**
 * The Cholesky factor of the symmetric `covariance` (off-diagonal entries ignored when diagonal).
 * Eigen-directions below `floor` (per coordinate scale) are raised to it; returns true when the floor
 * bound, i.e. the matrix had to be changed.
 */
bool Factor(const arma::mat& covariance, const arma::vec& floor, bool diagonal, arma::mat& L);
/** Z = (X - 1 mean') L^{-T}: row i is L^{-1}(x_i - mean). */
arma::mat Whiten(const arma::mat& x, const arma::vec& mean, const arma::mat& L);
/**
 * The weighted location x'w / sum(w) and the factor of the weighted scatter
 * sum_i w_i (x_i - m)(x_i - m)' / divisor, floored as in Factor (returns true when the floor bound).
 */
bool FitWeighted(const arma::mat& x, const arma::vec& w, double divisor, const arma::vec& floor, bool diagonal,
                 arma::vec& location, arma::mat& L);
/**
 * Gradients of sum_i [-wQuad_i delta_i / 2 - wTotal log det(L)] in the location (into `location`) and in
 * the packed factor (appended to `packed`), where delta_i = |z_i|^2 and z = Whiten(x, m, L).
 */
void Gradient(const arma::mat& z, const arma::mat& L, const arma::vec& wQuad, double wTotal, bool diagonal,
              arma::vec& location, arma::vec& packed);
/** log det(L L'). */
double LogDet(const arma::mat& L);

}  // namespace moest::scale_factor
