#include "moest/mixed/standard_errors.hpp"

#include <cmath>

namespace moest {

arma::mat FiniteDifferenceHessian(const std::function<double(const arma::vec&)>& f, const arma::vec& theta,
                                  const arma::uvec& moving, double step) {
  const arma::uword m = moving.n_elem;
  arma::vec h(m);
  for (arma::uword a = 0; a < m; ++a) h(a) = step * std::max(1.0, std::abs(theta(moving(a))));
  const double centre = f(theta);
  auto at = [&](arma::uword a, double sa, arma::uword b, double sb) {
    arma::vec shifted = theta;
    shifted(moving(a)) += sa * h(a);
    shifted(moving(b)) += sb * h(b);
    return f(shifted);
  };
  arma::mat hessian(m, m);
  for (arma::uword a = 0; a < m; ++a) {
    hessian(a, a) = (at(a, 1.0, a, 0.0) - 2.0 * centre + at(a, -1.0, a, 0.0)) / (h(a) * h(a));
    for (arma::uword b = 0; b < a; ++b) {
      hessian(a, b) = (at(a, 1.0, b, 1.0) - at(a, 1.0, b, -1.0) - at(a, -1.0, b, 1.0) + at(a, -1.0, b, -1.0)) /
                      (4.0 * h(a) * h(b));
      hessian(b, a) = hessian(a, b);
    }
  }
  return hessian;
}

StandardErrors MarginalStandardErrors(const MarginalLikelihood& problem, const Model& model, arma::vec& varianceSe) {
  StandardErrors se;
  se.computed = true;
  se.method = StandardErrorTypeName(StandardErrorType::Observed);
  std::vector<std::string> labels;
  const arma::uword nModel = FlattenNatural(model, &labels).n_elem;
  labels.insert(labels.end(), problem.varianceLabels.begin(), problem.varianceLabels.end());
  // Second differences of a sum of n terms lose about eps n / h^2: h = 1e-4 keeps that near 1e-8 n
  // while the truncation error stays O(h^2).
  const arma::mat information = -FiniteDifferenceHessian(problem.logLikelihood, problem.theta, problem.moving, 1e-4);
  const arma::mat jacobian = CentralJacobian(problem.natural, problem.theta, problem.moving, 1e-6);
  arma::vec seFlat;
  arma::uvec rows;
  NaturalCovariance(information, jacobian, labels, se, seFlat, nullptr, &rows);
  // vcov and its labels cover the model's parameters; the variance components go to varianceSe.
  const arma::uvec modelRows = arma::find(rows < nModel);
  if (se.positiveDefinite && !se.vcov.is_empty()) se.vcov = arma::mat(se.vcov.submat(modelRows, modelRows));
  se.labels.resize(modelRows.n_elem);
  varianceSe = seFlat.tail(seFlat.n_elem - nModel);
  FillBlockErrors(model, seFlat.head(nModel), se);
  return se;
}

}  // namespace moest
