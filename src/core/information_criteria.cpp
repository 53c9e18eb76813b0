#include "moest/model/information_criteria.hpp"

#include <cmath>

namespace moest {

InformationCriteria ComputeCriteria(double logLikelihood, arma::uword nParameters, arma::uword n,
                                    const arma::mat& responsibilities) {
  InformationCriteria ic;
  const double k = static_cast<double>(nParameters);
  ic.aic = -2.0 * logLikelihood + 2.0 * k;
  ic.bic = -2.0 * logLikelihood + k * std::log(static_cast<double>(n));
  double entropy = 0.0;
  const double* r = responsibilities.memptr();
  for (arma::uword i = 0; i < responsibilities.n_elem; ++i) {
    if (r[i] > 0.0) entropy -= r[i] * std::log(r[i]);
  }
  ic.icl = ic.bic + 2.0 * entropy;
  return ic;
}

}  // namespace moest
