#include "moest/expert/newton.hpp"

#include <cmath>
#include <sstream>

namespace moest {

NewtonOutcome NewtonAscent(const std::function<double(const arma::vec&)>& objective,
                           const std::function<void(const arma::vec&, arma::vec&, arma::mat&)>& derivatives,
                           arma::vec& theta, int maxIterations, double tolerance) {
  NewtonOutcome outcome;
  double current = objective(theta);
  arma::vec gradient, step;
  arma::mat negHessian, upper;
  for (int it = 0; it < maxIterations; ++it) {
    derivatives(theta, gradient, negHessian);
    if (!arma::chol(upper, negHessian)) {
      // A tiny ridge keeps a nearly flat direction (separation, an empty class) from stopping the fit.
      negHessian.diag() += 1e-8 * (1.0 + arma::abs(negHessian.diag()).max());
      if (!arma::chol(upper, negHessian)) {
        outcome.singular = true;
        return outcome;
      }
    }
    arma::vec half;
    if (!arma::solve(half, arma::trimatl(upper.t()), gradient) || !arma::solve(step, arma::trimatu(upper), half)) {
      outcome.singular = true;
      return outcome;
    }
    double scale = 1.0;
    bool accepted = false;
    double next = current;
    for (int h = 0; h < 30; ++h, scale *= 0.5) {
      next = objective(theta + scale * step);
      if (std::isfinite(next) && next >= current) {
        accepted = true;
        break;
      }
    }
    if (!accepted) return outcome;  // no ascent left at machine precision: a maximum
    theta += scale * step;
    const double change = next - current;
    current = next;
    if (change <= tolerance * (std::abs(current) + 1.0) && arma::dot(gradient, step) <= tolerance * (std::abs(current) + 1.0)) {
      return outcome;
    }
  }
  outcome.capHit = true;
  return outcome;
}

StepReport NewtonReport(const NewtonOutcome& outcome, const arma::vec& theta, const std::string& what, double total,
                        const std::string& capHint) {
  StepReport report;
  if (outcome.singular || !theta.is_finite()) {
    report.singular = true;
    std::ostringstream note;
    note << "its weighted " << what << " design is singular (total weight " << total << ")";
    report.note = note.str();
  } else if (outcome.capHit) {
    report.innerCapHit = true;
    report.note = "its IRLS stopped at the iteration cap" + (capHint.empty() ? "" : " " + capHint);
  }
  return report;
}

}  // namespace moest
