// The per-row transcendental work of the E- and M-steps as fused loops. Their translation unit is
// compiled with -O3 -ffast-math so that exp and log vectorise (glibc libmvec): the inputs must be
// finite, which the fit validates beforehand; callers check the results for finiteness in code
// compiled without fast math.
#pragma once

#include "moest/arma.hpp"

namespace moest::kernels {

/**
 * Row-wise log-sum-exp of the n x K column-major `logJoint`, overwritten by the log-normalised rows.
 * `rowLse` (n values, may be null) receives each row's log-sum-exp. Returns their sum.
 */
double NormaliseRows(double* logJoint, arma::uword n, arma::uword K, double* rowLse);

/**
 * The E-step's normalisation: r_ik = exp(logJoint_ik - lse_i) into the n x K column-major `r`, with one
 * exp per cell (`r` may be `logJoint` itself). Returns sum_i lse_i, the log-likelihood.
 */
double Responsibilities(const double* logJoint, arma::uword n, arma::uword K, double* r);

/** out_i = exp(in_i), vectorised. */
void Exp(const double* in, arma::uword n, double* out);

/** The entropy -sum_i r_i log r_i of n probabilities (a zero contributes nothing), vectorised. */
double Entropy(const double* r, arma::uword n);

/** out_i = constant - 0.5 ((y_i - x_i'beta) * inverseScale)^2 for every row of x. */
void GaussianLogDensity(const arma::mat& x, const arma::vec& beta, const double* y, double constant,
                        double inverseScale, double* out);

/** X'WX (upper and lower filled) and X'Wy for row weights w. */
void WeightedCrossProducts(const arma::mat& x, const double* w, const double* y, arma::mat& xtwx, arma::vec& xtwy);

/**
 * The weighted cross products of K weight columns `w` (n x K) on one design at once: slice k of
 * `xtwx` is X'W_kX, column k of `xtwy` X'W_ky, and ytwy(k), totals(k) are y'W_ky and sum_i w_ik. Each
 * product x_a x_b is formed once for all K weights.
 */
void JointWeightedCrossProducts(const arma::mat& x, const arma::mat& w, const double* y, arma::cube& xtwx,
                                arma::mat& xtwy, arma::vec& ytwy, arma::vec& totals);

/** sum_i w_i (y_i - x_i'beta)^2. */
double WeightedSquaredResiduals(const arma::mat& x, const arma::vec& beta, const double* y, const double* w);

/** logG = the row-wise log-softmax of X W (no BLAS: q is small and the first BLAS call is costly). */
void LinearLogSoftmax(const arma::mat& x, const arma::mat& w, arma::mat& logG);

/**
 * The softmax gate objective sum_ik r_ik log g_ik with g = softmax(X W) in one pass; `logG` receives
 * log g. When `gradient` is given it receives the gradient, and when `negHessian` is given too, the
 * negative Hessian, as in SoftmaxGradientHessian, from the same pass.
 */
double SoftmaxEvaluate(const arma::mat& x, const arma::mat& w, const arma::mat& r, arma::mat& logG,
                       arma::mat* gradient = nullptr, arma::mat* negHessian = nullptr);

/**
 * Gradient (q x (K-1), columns 2..K) and negative Hessian (q(K-1) square) of the softmax gate
 * objective in the non-reference coefficients, at log-weights logG.
 */
void SoftmaxGradientHessian(const arma::mat& x, const arma::mat& logG, const arma::mat& r, arma::mat& gradient,
                            arma::mat& negHessian);

}  // namespace moest::kernels
