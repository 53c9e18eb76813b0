// The steps every weighted M-step of a regression expert shares: refusing an (almost) empty
// component, and the weighted normal equations solved by one Cholesky factor.
#pragma once

#include "moest/arma.hpp"
#include "moest/solver/step_report.hpp"

namespace moest::weighted_fit {

/**
 * The total of `weights` in `total`; false, with `report` marked singular and a note, when it is not
 * above 1e-10 n (the component has collapsed).
 */
bool HasWeight(const arma::vec& weights, double& total, StepReport& report);

/**
 * B solving (X'WX) B = X'WY for every column of X'WY at once, by the two triangular solves of one
 * Cholesky factor of X'WX; false, with `report` marked singular and a note naming the total weight,
 * when X'WX is singular or the solution is not finite.
 */
bool SolveNormalEquations(const arma::mat& xtwx, const arma::mat& xtwy, double total, arma::mat& beta,
                          StepReport& report);

}  // namespace moest::weighted_fit
