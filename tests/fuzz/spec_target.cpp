#include <cmath>

#include "moest/errors.hpp"
#include "moest/model/spec.hpp"
#include "targets.hpp"

namespace moest::fuzz {

void FuzzSpec(const std::string& input) {
  ComponentSpec spec;
  try {
    spec = ParseSpec(input);
  } catch (const InputError&) {
    return;
  }
  ComponentSpec again;
  try {
    again = ParseSpec(spec.ToString());
  } catch (const InputError& e) {
    throw FuzzFinding("'" + spec.ToString() + "' (from ToString) does not parse: " + e.what());
  }
  Require(again.family == spec.family && again.options == spec.options,
          "'" + input + "' reads back differently from '" + spec.ToString() + "'");
  for (const auto& option : spec.options) {
    try {
      Require(std::isfinite(spec.Number(option.first, 0.0)), "Number passed a non-finite value");
    } catch (const InputError&) {
    }
    try {
      Require(spec.Integer(option.first, 0, -5) >= -5, "Integer passed a value below its minimum");
    } catch (const InputError&) {
    }
  }
}

}  // namespace moest::fuzz
