// Newton ascent with step halving for the concave weighted M-steps of GLM experts (Poisson,
// multinomial logistic): every accepted step raises the objective, so EM stays monotone.
#pragma once

#include <functional>
#include <string>

#include "moest/arma.hpp"
#include "moest/solver/step_report.hpp"

namespace moest {

struct NewtonOutcome {
  bool singular = false;  // the Hessian was not negative definite (a separable or empty component)
  bool capHit = false;    // stopped at the iteration cap before the objective settled
};

/**
 * Maximise `objective` from `theta` (updated in place). `derivatives(theta, gradient, negHessian)`
 * gives the gradient and the negated Hessian (positive definite for a strictly concave objective).
 * Each Newton step is halved up to 30 times until the objective does not decrease; a step that cannot
 * be made an ascent ends the loop with theta unchanged from the last accepted value.
 */
NewtonOutcome NewtonAscent(const std::function<double(const arma::vec&)>& objective,
                           const std::function<void(const arma::vec&, arma::vec&, arma::mat&)>& derivatives,
                           arma::vec& theta, int maxIterations = 50, double tolerance = 1e-10);

/**
 * The M-step report for a Newton fit of `theta`: singular (with `what` and the total weight in the note)
 * when the Hessian failed or theta is not finite, the cap (with `capHint` appended) when it was hit.
 */
StepReport NewtonReport(const NewtonOutcome& outcome, const arma::vec& theta, const std::string& what, double total,
                        const std::string& capHint = "");

}  // namespace moest
