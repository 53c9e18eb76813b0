// Checks of option values with messages a user can act on ("must be at least 1, got 0"), for the
// numbers CLI11's generic validators describe badly (a range up to 1.8e308, a failed conversion).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace moest::cli {

/** A whole number (written in decimal digits) of at least `minimum`. */
CLI::Validator WholeNumberAtLeast(long long minimum);

/** A finite number greater than zero. */
CLI::Validator PositiveNumber();

/** A family spec "family" or "family(option = value, ...)" whose family is one of `families` (options
 * are checked when the family builds its component). */
CLI::Validator FamilySpec(const std::vector<std::string>& families);

/** The names of `choices`, in order, for CLI::IsMember. */
template <typename T>
std::vector<std::string> ChoiceNames(const std::map<std::string, T>& choices) {
  std::vector<std::string> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  return names;
}

}  // namespace moest::cli
