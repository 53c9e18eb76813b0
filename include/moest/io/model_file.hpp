// Everything a model file holds: the formula and term names (enough to predict and simulate on new
// data), the model, and the fit statistics.
#pragma once

#include <string>
#include <vector>

#include "moest/io/poly_basis.hpp"
#include "moest/mixed/section.hpp"
#include "moest/model/model.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/**
 * The newest model-file format version this build reads: 2 adds the random-effects section (written
 * only for mixed-effects fits), 3 the exposure offset and the polynomial bases of the terms (written
 * only when a model has them, since older readers would predict wrongly without them), 4 the list of
 * response columns of a multivariate (mvn) response. Each file is written with the lowest version that
 * holds its contents.
 */
constexpr int kModelFileVersion = 4;

struct ModelFile {
  std::string formula;                    // "y ~ x | z"
  std::string response;                   // response column (the first of `responses`)
  std::vector<std::string> responses;     // every response column; empty or one for a univariate response
  std::vector<std::string> expertTerms;   // expert design column names, "(Intercept)" first if present
  std::vector<std::string> gateTerms;
  std::string expertFamily;
  std::string gateFamily;
  std::vector<std::string> classLabels;   // categorical response: the label of class 0, 1, ...; else empty
  std::string offset;                     // the exposure offset as an expression ("log(t)", "t"); empty: none
  std::vector<PolyBasis> bases;           // the basis of every polynomial term (expert and gate), by label
  Model model;
  FitStatistics stats;
  std::string createdBy = "moest";        // "moest CLI" or "moest R package"
  RandomEffectsSection randomEffects;     // mixed-effects fits only
};

}  // namespace moest
