// A component family with its options, as a user writes it: "softmax", "softmax(temperature = 0.5)",
// "t(nu = 4)". The CLI takes it as text (--gate, --expert), R builds it from a list, model files store
// it, and the registries build a gate or expert from it.
#pragma once

#include <initializer_list>
#include <map>
#include <string>

namespace moest {

struct ComponentSpec {
  std::string family;
  std::map<std::string, std::string> options;  // option name to its value as written

  /** The option as a number, or `fallback` when absent; InputError naming the option if not a number. */
  double Number(const std::string& key, double fallback) const;
  /** The option as a whole number >= minimum, or `fallback` when absent. */
  long Integer(const std::string& key, long fallback, long minimum) const;
  /** The option as text, or `fallback` when absent. */
  std::string Text(const std::string& key, const std::string& fallback) const;
  /** InputError naming the first option not in `known` (and listing the known ones). */
  void CheckKnown(std::initializer_list<const char*> known) const;
  /** "family" or "family(a = 1, b = x)", options in name order; ParseSpec reads it back. */
  std::string ToString() const;
};

/** Parse "family" or "family(name = value, ...)"; InputError saying what is wrong. */
ComponentSpec ParseSpec(const std::string& text);

}  // namespace moest
