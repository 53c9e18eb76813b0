// Class-probability predictions of a mixture of categorical (multinomial-logistic) experts.
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"

namespace moest {

/**
 * P(y_i = c | x_i) = sum_k g_k(x_i) P_k(y_i = c | x_i): n x C. InputError when the experts are not
 * categorical.
 */
arma::mat PredictClassProbabilities(const Model& model, const Data& data);
/** The most probable class (0..C-1) of each row of a PredictClassProbabilities matrix. */
arma::uvec MostProbableClass(const arma::mat& probabilities);

}  // namespace moest
