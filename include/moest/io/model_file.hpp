// Everything a model file holds: the formula and term names (enough to predict and simulate on new
// data), the model, and the fit statistics.
#pragma once

#include <string>
#include <vector>

#include "moest/mixed/section.hpp"
#include "moest/model/model.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/** The newest model-file format version this build reads: 2 adds the random-effects section (written
 * only for mixed-effects fits; plain models are still written as version 1). */
constexpr int kModelFileVersion = 2;

struct ModelFile {
  std::string formula;                    // "y ~ x | z"
  std::string response;                   // response column
  std::vector<std::string> expertTerms;   // expert design column names, "(Intercept)" first if present
  std::vector<std::string> gateTerms;
  std::string expertFamily;
  std::string gateFamily;
  std::vector<std::string> classLabels;   // categorical response: the label of class 0, 1, ...; else empty
  Model model;
  FitStatistics stats;
  std::string createdBy = "moest";        // "moest CLI" or "moest R package"
  RandomEffectsSection randomEffects;     // mixed-effects fits only
};

}  // namespace moest
