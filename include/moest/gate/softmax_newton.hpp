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
  arma::mat negHessian;  // q(K-1) square; empty when it was not formed
};

/** What an evaluation must give beside the objective. */
enum class SoftmaxNeeds {
  Objective,  // the objective alone (the trial of a loop's last allowed step)
  Gradient,   // and the gradient
  Hessian,    // and the gradient and the negative Hessian
};

/**
 * Evaluates the objective at the coefficients `w` (q x K), with what `needs` asks for. An evaluator
 * may give more (on a pass over a file the derivatives cost little beside the reading); the Newton
 * loop's steps do not depend on whether it did.
 */
using SoftmaxEvaluator = std::function<SoftmaxNewtonPoint(const arma::mat& w, SoftmaxNeeds needs)>;

/**
 * Newton's method with step halving on the gate objective, from `w` (updated in place) at which the
 * objective is `start` (which must carry its Hessian). Stops when the Newton decrement or the last gain
 * is below tolerance * (|objective| + 1), or after `maxNewton` steps (reported as an inner cap hit).
 * Trial points of the first step are evaluated with their gradient only (later ones with their Hessian
 * too; those of the last step that `steps` allows with their objective only). At an accepted point the decrement is first measured with the previous point's Hessian: when it
 * is below the tolerance, that step is taken and the loop ends (near the maximum the Hessian hardly
 * moves, and this is the common last step of an EM iteration's M-step); otherwise the point's own
 * Hessian is used (formed now if the evaluation did not) for a full Newton step. With `steps` > 0 the
 * loop also ends after that many accepted steps, without a cap hit (a generalised EM's M-step).
 */
StepReport SoftmaxNewton(arma::mat& w, SoftmaxNewtonPoint start, const SoftmaxEvaluator& evaluate, int maxNewton,
                         double tolerance, int steps = 0);

}  // namespace moest
