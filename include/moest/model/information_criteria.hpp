// Information criteria on the usual scale: smaller is better.
#pragma once

#include "moest/arma.hpp"

namespace moest {

struct InformationCriteria {
  double aic = 0.0;  // -2 l + 2 k
  double bic = 0.0;  // -2 l + k log n
  double icl = 0.0;  // BIC + 2 * entropy of the responsibilities (Biernacki, Celeux & Govaert 2000)
};

InformationCriteria ComputeCriteria(double logLikelihood, arma::uword nParameters, arma::uword n,
                                    const arma::mat& responsibilities);

}  // namespace moest
