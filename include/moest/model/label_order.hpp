// A canonical order of the components, so that fits (and their standard errors) from different runs,
// seeds or solvers are comparable: mixture labels are otherwise arbitrary.
#pragma once

#include <string>

#include "moest/arma.hpp"
#include "moest/model/model.hpp"
#include "moest/options.hpp"

namespace moest {


/**
 * The permutation `order` (new position j holds old component order[j]) for `rule`; the identity
 * when the needed block is missing (a gate without a K-column "coefficients" block, ...).
 */
arma::uvec CanonicalOrder(const Model& model, LabelOrder rule);

/**
 * Reorder the components of `model` (experts, and the gate's coefficient columns re-referenced to
 * the new first component) and the columns of `responsibilities` (if not empty). Returns false
 * and leaves both untouched when the gate cannot be permuted.
 */
bool PermuteComponents(Model& model, const arma::uvec& order, arma::mat& responsibilities);

/** "none", "expert", "gate"; and back (InputError naming the choices). */
std::string LabelOrderName(LabelOrder rule);
LabelOrder LabelOrderFromName(const std::string& name);

}  // namespace moest
