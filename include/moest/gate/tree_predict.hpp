// Predictions that only a hierarchical MoE has: the probability of every branch of its tree.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/data.hpp"
#include "moest/model/model.hpp"

namespace moest {

/**
 * P(branch | x) for every branch (internal node below the root) of a tree-gated model, n x branches,
 * the sum of the branch's leaf weights; `names` receives the branch paths ("1", "2", "1.2", ...).
 * InputError when the model's gate is not a tree or its tree has no branch below the root.
 */
arma::mat PredictBranches(const Model& model, const Data& data, std::vector<std::string>& names);

}  // namespace moest
