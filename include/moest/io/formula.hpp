// A two-part model formula "y ~ x1 + x2 | z1": expert terms before '|', gate terms after it. With no
// '|' the gate uses the expert terms. "1" keeps the intercept (the default), "0" or "-1" drops it,
// "~ 1" is intercept-only.
#pragma once

#include <string>
#include <vector>

namespace moest {

struct TermList {
  bool intercept = true;
  std::vector<std::string> variables;
};

struct Formula {
  std::string text;      // as given, normalised spacing
  std::string response;
  TermList expert;
  TermList gate;
};

/** Parse `text`; InputError explaining what is wrong with it. */
Formula ParseFormula(const std::string& text);

}  // namespace moest
