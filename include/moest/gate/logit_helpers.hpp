// Helpers shared by the gates whose weights are a softmax of per-component logits (softmax variants,
// Laplace and Gaussian-kernel gates): row log-normalisation, the logit derivative of the weighted
// objective, and the intercept convention of the gate design.
#pragma once

#include "moest/arma.hpp"

namespace moest::gates {

/** True when the first gate-design column is the intercept (all ones), as formula designs put it. */
bool FirstColumnIsIntercept(const arma::mat& x);

/** logG(i, k) = logits(i, k) - log sum_l exp(logits(i, l)), in place; plain (not fast) math. */
void LogSoftmaxRows(arma::mat& logits);

/**
 * dQ/dlogits for Q = sum_ik c_ik log g_ik with g = softmax(logits): c_ik - g_ik sum_l c_il, where
 * `logG` holds log g.
 */
arma::mat SoftmaxLogitGradient(const arma::mat& logG, const arma::mat& c);

/** sum_ik c_ik logG_ik, skipping terms with c_ik = 0 (so a zero weight with no mass adds nothing). */
double WeightedSum(const arma::mat& c, const arma::mat& logG);

}  // namespace moest::gates
