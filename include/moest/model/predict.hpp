// Predictions from a fitted model on (new) data.
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"

namespace moest {

/** Conditional mean E[y | x] = sum_k g_k(x) mu_k(x). */
arma::vec PredictMean(const Model& model, const Data& data);
/** Gate weights g_k(x_i): n x K. */
arma::mat PredictGate(const Model& model, const Data& data);
/** Posterior memberships r_ik given y: n x K. */
arma::mat PredictPosterior(const Model& model, const Data& data);
/** Mixture density p(y_i | x_i) at the given y. */
arma::vec PredictDensity(const Model& model, const Data& data);
/** E[y | x] for every response column: n x d (d = 1 gives PredictMean). */
arma::mat PredictResponseMeans(const Model& model, const Data& data);
/**
 * The mixture covariance Cov(y_i | x_i) = sum_k g_k (S_k + mu_k mu_k') - mu mu' of mvn experts, one
 * d x d slice per row; InputError when an expert is not mvn.
 */
arma::cube PredictResponseCovariances(const Model& model, const Data& data);
/** Expert means mu_k(x_i): n x K. */
arma::mat PredictExpertMeans(const Model& model, const Data& data);

}  // namespace moest
