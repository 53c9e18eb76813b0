// Start parameters given by the user (a fitted model, a model file): they must describe the same
// model as the one being fitted.
#pragma once

#include "moest/model/model.hpp"

namespace moest {

/**
 * InputError unless `start` has the K, the gate and expert families (with their options) and the
 * parameter block shapes of `prototype`; the message names what differs.
 */
void CheckStartModel(const Model& prototype, const Model& start);

}  // namespace moest
