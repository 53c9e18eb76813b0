// Fit a mixed-effects mixture of experts: group random effects in the gate (Fung & Tseung 2025) or
// in Gaussian experts (the flexmix FLXMRlmm / mixtools regmixEM.mixed model).
#pragma once

#include "moest/data.hpp"
#include "moest/mixed/options.hpp"
#include "moest/mixed/result.hpp"
#include "moest/model/model.hpp"
#include "moest/observer.hpp"

namespace moest {

/**
 * Fit `prototype`'s families to `data` (data.group must be set) with random effects placed as
 * options.placement says. `randomDesign` (n x r) carries the random-effect covariates: a column of
 * ones for random intercepts, further columns for random slopes. Gate placement: a plain softmax
 * gate whose non-reference logits k get the random effect sum_m w_ijm a_km'u_i, u_i ~ N(0, I_d), d =
 * options.dimension (0: r); standard errors from the marginal log-likelihood's Hessian when
 * options.fit.standardErrors. Expert placement: Gaussian experts, y_i | z_i = k ~
 * N(X_i beta_k, Z_i R_k Z_i' + sigma_k^2 I), the gate evaluated on each group's first gate-design row
 * (which must be constant within the group). InputError for bad input.
 */
MixedFit FitMixed(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                  const MixedOptions& options, Observer& observer);

/** The gate placement (called by FitMixed after validation). */
MixedFit FitRandomGate(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                       const GroupIndex& groups, const MixedOptions& options, Observer& observer);

/** The expert placement (called by FitMixed after validation). */
MixedFit FitRandomExpert(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                         const GroupIndex& groups, const MixedOptions& options, Observer& observer);

}  // namespace moest
