// Start parameters given by the user (a fitted model, a model file): they must describe the same
// model as the one being fitted.
#pragma once

#include <string>
#include <vector>

#include "moest/model/model.hpp"

namespace moest {

/**
 * InputError unless `start` has the K, the gate and expert families (with their options) and the
 * parameter block shapes of `prototype`; the message names what differs.
 */
void CheckStartModel(const Model& prototype, const Model& start);

/**
 * InputError unless a start model file's `part` ("expert" or "gate") terms equal the formula's;
 * `source` names the start in the message ("--start fit.json", "the start model").
 */
void CheckStartTerms(const std::vector<std::string>& given, const std::vector<std::string>& wanted,
                     const std::string& part, const std::string& source);

}  // namespace moest
