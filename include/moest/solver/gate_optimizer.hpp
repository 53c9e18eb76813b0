// A generic gate M-step for gates whose Hessian is awkward: maximise the weighted gate objective
// Q(theta) = sum_i sum_k r_ik log g_k(x_i; theta) by L-BFGS (NLopt), from the gate's current
// parameters. The returned point is never worse than the start, so EM stays monotone.
#pragma once

#include <functional>
#include <string>

#include "moest/arma.hpp"
#include "moest/data.hpp"
#include "moest/gate/gate.hpp"
#include "moest/solver/step_report.hpp"

namespace moest {

struct GateOptimizerOptions {
  int maxIterations = 100;     // L-BFGS iterations (objective evaluations); hitting it is reported
  double tolerance = 1e-10;    // relative change of Q ending the search
};

/** Q(theta) and, when `gradient` is non-null, dQ/dtheta into it. May return -inf (infeasible). */
using GateObjective = std::function<double(const arma::vec& theta, arma::vec* gradient)>;

/**
 * Maximise `objective` from `theta` (updated in place to the best point seen, which is the start when
 * no point improves on it). `owner` names the gate in the report's note.
 */
StepReport MaximiseGateObjective(const GateObjective& objective, arma::vec& theta,
                                 const GateOptimizerOptions& options, const std::string& owner);

/**
 * Q(theta) = sum_ik r_ik log g_k(x_i; theta) (the joint weights for density gates) and its gradient,
 * evaluated on a copy of `gate`; `data` and `r` must outlive the returned objective.
 */
GateObjective WeightedGateObjective(const Gate& gate, const Data& data, const arma::mat& r);

/**
 * The same through the Gate contract alone (LogWeights, GradLogWeights, Pack, Unpack): the gate ends
 * at the best point seen.
 */
StepReport MaximiseGateObjective(Gate& gate, const Data& data, const arma::mat& r,
                                 const GateOptimizerOptions& options);

}  // namespace moest
