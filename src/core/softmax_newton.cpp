#include "moest/gate/softmax_newton.hpp"

#include <cmath>

namespace moest {

StepReport SoftmaxNewton(arma::mat& w, SoftmaxNewtonPoint point, const SoftmaxEvaluator& evaluate, int maxNewton,
                         double newtonTolerance) {
  StepReport report;
  const arma::uword q = w.n_rows, K = w.n_cols;
  const arma::uword m = q * (K - 1);
  arma::mat upper, trial;
  bool converged = false;
  for (int it = 0; it < maxNewton; ++it) {
    double ridge = 0.0;
    const double scale = std::max(1e-300, arma::max(point.negHessian.diag()));
    bool factored = false;
    while (!(factored = arma::chol(upper, point.negHessian + ridge * arma::eye(m, m))) && ridge <= 1e6 * scale) {
      ridge = ridge == 0.0 ? 1e-10 * scale : ridge * 10.0;
    }
    if (!factored) break;  // no usable curvature: keep the current coefficients
    const arma::vec g = arma::vectorise(point.gradient);
    const arma::vec direction = arma::solve(arma::trimatu(upper), arma::solve(arma::trimatl(upper.t()), g));
    // The Newton decrement g'H^-1 g / 2 predicts the gain of a full step. When it is negligible the
    // step is taken without a line search (no pass over the data) and the loop ends.
    const double tolerance = newtonTolerance * (std::abs(point.objective) + 1.0);
    if (0.5 * arma::dot(g, direction) <= tolerance) {
      w.cols(1, K - 1) += arma::reshape(direction, q, K - 1);
      converged = true;
      break;
    }
    // Step halving: accept the first step that does not decrease the objective. The trial's
    // derivatives come from the same pass: an accepted step needs them next.
    double step = 1.0;
    bool accepted = false;
    SoftmaxNewtonPoint trialPoint;
    for (int halving = 0; halving < 40; ++halving) {
      trial = w;
      trial.cols(1, K - 1) += step * arma::reshape(direction, q, K - 1);
      trialPoint = evaluate(trial);
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
    // (much) less than the tolerance, so its gradient pass is not worth making.
    if (gain <= tolerance) {
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
