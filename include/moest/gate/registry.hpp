// The one registration point of gate families: a name to a new gate.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/gate/gate.hpp"
#include "moest/model/spec.hpp"

namespace moest {

/** A new gate from `spec` on `q` gate-design columns for K components. */
std::unique_ptr<Gate> MakeGate(const ComponentSpec& spec, arma::uword q, arma::uword K);
/** The same from text such as "softmax" or "softmax(temperature = 0.5)" (see ParseSpec). */
std::unique_ptr<Gate> MakeGate(const std::string& spec, arma::uword q, arma::uword K);
/** The registered gate family names. */
std::vector<std::string> GateFamilies();

}  // namespace moest
