#include "moest/model/information_criteria.hpp"

#include <cmath>

#include "moest/model/kernels.hpp"

namespace moest {

InformationCriteria ComputeCriteria(double logLikelihood, arma::uword nParameters, arma::uword n,
                                    const arma::mat& responsibilities) {
  InformationCriteria ic;
  const double k = static_cast<double>(nParameters);
  ic.aic = -2.0 * logLikelihood + 2.0 * k;
  ic.bic = -2.0 * logLikelihood + k * std::log(static_cast<double>(n));
  ic.icl = ic.bic + 2.0 * kernels::Entropy(responsibilities.memptr(), responsibilities.n_elem);
  return ic;
}

}  // namespace moest
