// The Newton loop of the softmax gate's M-step with the objective's evaluation injected: in memory it
// is one pass over the rows, in streaming and distributed EM one pass over the chunks (and ranks).
// Both fits therefore take the same steps and differ only in the order of the sums.
#pragma once

#include <functional>

#include "moest/arma.hpp"
#include "moest/solver/step_report.hpp"

namespace moest {

/** The gate objective sum_ik r_ik log g_ik at some coefficients, with its derivatives. */
struct SoftmaxNewtonPoint {
  double objective = 0.0;
  arma::mat gradient;    // q x (K-1), the non-reference columns
  arma::mat negHessian;  // q(K-1) square
};

/** Evaluates the objective and its derivatives at the coefficients `w` (q x K). */
using SoftmaxEvaluator = std::function<SoftmaxNewtonPoint(const arma::mat& w)>;

/**
 * Newton's method with step halving on the gate objective, from `w` (updated in place) at which the
 * objective is `start`. Stops when the Newton decrement or the last gain is below
 * tolerance * (|objective| + 1), or after `maxNewton` steps (reported as an inner cap hit).
 */
StepReport SoftmaxNewton(arma::mat& w, SoftmaxNewtonPoint start, const SoftmaxEvaluator& evaluate, int maxNewton,
                         double tolerance);

}  // namespace moest
