#include "moest/expert/weighted_fit.hpp"

#include <sstream>
#include <string>

namespace moest::weighted_fit {

bool HasWeight(const arma::vec& weights, double& total, StepReport& report) {
  total = arma::accu(weights);
  if (total > 1e-10 * static_cast<double>(weights.n_elem)) return true;
  report.singular = true;
  report.note = "its total weight is " + std::to_string(total);
  return false;
}

bool SolveNormalEquations(const arma::mat& xtwx, const arma::mat& xtwy, double total, arma::mat& beta,
                          StepReport& report) {
  arma::mat upper;
  if (!arma::chol(upper, xtwx)) {
    report.singular = true;
    std::ostringstream note;
    note << "its weighted design is singular (total weight " << total << ")";
    report.note = note.str();
    return false;
  }
  arma::mat half;
  if (!arma::solve(half, arma::trimatl(upper.t()), xtwy) || !arma::solve(beta, arma::trimatu(upper), half) ||
      !beta.is_finite()) {
    report.singular = true;
    report.note = "its weighted least-squares solve failed";
    return false;
  }
  return true;
}

}  // namespace moest::weighted_fit
