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
/** Expert means mu_k(x_i): n x K. */
arma::mat PredictExpertMeans(const Model& model, const Data& data);

}  // namespace moest
