// The whole model as one unconstrained parameter vector [gate; expert_1; ...; expert_K], and the
// gradient of the log-likelihood in it (for direct maximum likelihood and standard errors).
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"

namespace moest {

/** [gate.Pack(); expert(0).Pack(); ...]. */
arma::vec PackModel(const Model& model);
/** Inverse of PackModel; InputError when the length is wrong. */
void UnpackModel(Model& model, const arma::vec& theta);
/** A readable label for every entry of PackModel ("gate[2]", "expert 1[3]"). */
std::vector<std::string> PackedLabels(const Model& model);

/**
 * The log-likelihood and its gradient in PackModel's coordinates. By Fisher's identity the gradient
 * is sum_ik r_ik d log g_ik + sum_ik r_ik d log f_ik at the posterior r, so every component's own
 * gradient contract suffices. `responsibilities`, if given, is the buffer for the posterior (reused by
 * callers that evaluate many gradients). On large data (UsesRowBlocks) both are summed over blocks of
 * rows, and the buffer then holds one block's posterior.
 */
double LogLikelihoodGradient(const Model& model, const Data& data, arma::vec& gradient,
                             arma::mat* responsibilities = nullptr);

/**
 * The gradient of the complete-data objective Q = sum_ik r_ik (log g_ik + log f_ik) with the weights
 * r held fixed; at r = the posterior it is the log-likelihood's gradient (Fisher's identity).
 */
arma::vec CompleteDataGradient(const Model& model, const Data& data, const arma::mat& r);

/**
 * The per-observation scores: row i is d log p(y_i | x_i) / d theta in PackModel's coordinates (the
 * joint log-density for a joint gate), so that the rows sum to LogLikelihoodGradient's gradient. The
 * gradient contracts are row-additive (Fisher's identity, sum_i sum_k r_ik (...)) but return only the
 * weighted sum, so each row's term is the same analytic contract evaluated on a one-row view of the data.
 */
arma::mat RowScores(const Model& model, const Data& data);

}  // namespace moest
