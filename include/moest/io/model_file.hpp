// Everything a model file holds: the formula and term names (enough to predict and simulate on new
// data), the model, and the fit statistics.
#pragma once

#include <string>
#include <vector>

#include "moest/model/model.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/** The model-file format version this build writes and the newest it reads. */
constexpr int kModelFileVersion = 1;

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
};

}  // namespace moest
