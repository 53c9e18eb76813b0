// The random-effects section of a model file (present only for mixed-effects fits; file version 2).
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/mixed/result.hpp"

namespace moest {

struct RandomEffectsSection {
  bool present = false;
  std::string placement;                  // "gate" or "expert"
  std::string group;                      // the group column
  std::vector<std::string> terms;         // random-effect terms ("(Intercept)", or u1..ud in the gate)
  std::string integration;                // "adaptive Gauss-Hermite", "Monte Carlo" or "exact"
  arma::uword quadratureOrder = 0;
  arma::uword nodesPerGroup = 0;
  std::vector<arma::mat> varianceComponents;  // see MixedFit
  std::vector<arma::mat> varianceSe;          // their standard errors (see MixedFit; may be empty)
  std::vector<std::string> randomDesign;      // gate placement: the random terms w_m ("(Intercept)", slopes)
  std::vector<std::string> groupLabels;   // G
  arma::mat ranef, ranefSd, groupPosterior;
};

/** The section describing `fit`; `groupLabels` are the caller's names of fit.groupLabels' ids. */
RandomEffectsSection MakeRandomEffectsSection(const MixedFit& fit, const std::string& group,
                                              const std::vector<std::string>& terms,
                                              const std::vector<std::string>& groupLabels,
                                              const std::vector<std::string>& randomDesign = {"(Intercept)"});

/** The section as summary text (variance components, in the manner of lme4's VarCorr). */
std::string RandomEffectsText(const RandomEffectsSection& section, arma::uword K);

}  // namespace moest
