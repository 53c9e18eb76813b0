#include "moest/gate/softmax_newton.hpp"

#include <cmath>

namespace moest {

namespace {

// Cholesky factor of the negative Hessian, with the smallest ridge that makes it positive definite;
// false when even a large ridge does not (no usable curvature).
bool FactorCurvature(const arma::mat& negHessian, arma::mat& upper) {
  const arma::uword m = negHessian.n_rows;
  const double scale = std::max(1e-300, arma::max(negHessian.diag()));
  double ridge = 0.0;
  bool factored = false;
  while (!(factored = arma::chol(upper, negHessian + ridge * arma::eye(m, m))) && ridge <= 1e6 * scale) {
    ridge = ridge == 0.0 ? 1e-10 * scale : ridge * 10.0;
  }
  return factored;
}

arma::vec SolveFactored(const arma::mat& upper, const arma::vec& g) {
  return arma::solve(arma::trimatu(upper), arma::solve(arma::trimatl(upper.t()), g));
}

}  // namespace

StepReport SoftmaxNewton(arma::mat& w, SoftmaxNewtonPoint point, const SoftmaxEvaluator& evaluate, int maxNewton,
                         double newtonTolerance, int steps) {
  StepReport report;
  const arma::uword q = w.n_rows, K = w.n_cols;
  arma::mat upper, trial;
  bool converged = false;
  bool accepted = false;  // `point` is an accepted trial (not the start)
  for (int it = 0; it < maxNewton; ++it) {
    const double tolerance = newtonTolerance * (std::abs(point.objective) + 1.0);
    // The Newton decrement g'H^-1 g / 2 (H from the current factor) predicts the gain of a full step;
    // when it is negligible the step is taken without a line search (no pass over the data).
    arma::vec direction;
    auto stepIfNegligible = [&]() {
      const arma::vec g = arma::vectorise(point.gradient);
      direction = SolveFactored(upper, g);
      if (0.5 * arma::dot(g, direction) > tolerance) return false;
      w.cols(1, K - 1) += arma::reshape(direction, q, K - 1);
      return true;
    };
    if (accepted) {
      // At an accepted trial point the previous factor measures the decrement first (also when the
      // evaluator formed the point's Hessian: the steps must not depend on it).
      if (stepIfNegligible()) {
        converged = true;
        break;
      }
      if (point.negHessian.is_empty()) point = evaluate(w, SoftmaxNeeds::Hessian);
    }
    if (!FactorCurvature(point.negHessian, upper)) break;  // keep the current coefficients
    if (stepIfNegligible()) {
      converged = true;
      break;
    }
    // Step halving: accept the first step that does not decrease the objective. The trial's gradient
    // comes from the same pass. Its Hessian does too after the first step: a loop that needed a second
    // full step is far from the maximum and will likely need a third (a hard start partition); within
    // EM the first step is usually also the last, ended by the decrement test above.
    double step = 1.0;
    accepted = false;
    SoftmaxNewtonPoint trialPoint;
    // The last step allowed ends the loop once accepted: its trial's derivatives would go unused.
    const SoftmaxNeeds needs = it + 1 == steps ? SoftmaxNeeds::Objective
                               : it > 0        ? SoftmaxNeeds::Hessian
                                               : SoftmaxNeeds::Gradient;
    for (int halving = 0; halving < 40; ++halving) {
      trial = w;
      trial.cols(1, K - 1) += step * arma::reshape(direction, q, K - 1);
      trialPoint = evaluate(trial, needs);
      if (std::isfinite(trialPoint.objective) && trialPoint.objective >= point.objective) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      converged = true;  // no ascent left at working precision
      break;
    }
    const double gain = trialPoint.objective - point.objective;
    w.swap(trial);
    point = std::move(trialPoint);
    // Newton converges quadratically: after a step that gained this little, the next would gain
    // (much) less than the tolerance, so its pass is not worth making.
    if (gain <= tolerance || it + 1 == steps) {
      converged = true;
      break;
    }
  }
  if (!converged && maxNewton > 0) {
    report.innerCapHit = true;
    report.note = "the gate's Newton loop stopped at its cap of " + std::to_string(maxNewton) + " iterations";
  }
  return report;
}

}  // namespace moest
