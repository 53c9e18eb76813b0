// The one registration point of gate families: a name to a new gate.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/gate/gate.hpp"

namespace moest {

/** A new gate of family `family` on `q` gate-design columns for K components. */
std::unique_ptr<Gate> MakeGate(const std::string& family, arma::uword q, arma::uword K);
/** The registered gate family names. */
std::vector<std::string> GateFamilies();

}  // namespace moest
