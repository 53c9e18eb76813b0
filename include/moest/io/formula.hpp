// A two-part model formula "y ~ x1 + x2 | z1": expert terms before '|', gate terms after it. With no
// '|' the gate uses the expert terms. "1" keeps the intercept (the default), "0" or "-1" drops it,
// "~ 1" is intercept-only. A term is a column or a polynomial in one, poly(x, d) (orthogonal, as R's
// poly()) or poly(x, d, raw = TRUE). The expert part may hold one exposure offset, offset(t) or
// offset(log(t)). A multivariate response is written cbind(y1, y2, ...), as for lm.
#pragma once

#include <string>
#include <vector>

#include "moest/io/offset.hpp"

namespace moest {

/** One term: a column as it is, or a polynomial of degree d >= 1 in it. */
struct Term {
  std::string column;
  unsigned degree = 0;  // 0: the column itself
  bool raw = false;     // poly(column, d, raw = TRUE)

  /** "x", or R's label "poly(x, 3)" / "poly(x, 3, raw = TRUE)". */
  std::string Label() const;
  bool operator==(const Term& other) const {
    return column == other.column && degree == other.degree && raw == other.raw;
  }
};

struct TermList {
  bool intercept = true;
  std::vector<Term> terms;
  OffsetTerm offset;  // expert part only
};

struct Formula {
  std::string text;      // as given, normalised spacing
  std::string response;  // the response column (the first of `responses`)
  std::vector<std::string> responses;  // every response column: one, or those of cbind(y1, y2, ...)
  TermList expert;
  TermList gate;
  bool hasGatePart = false;  // the text has a '|'
};

/** Parse `text`; InputError explaining what is wrong with it. */
Formula ParseFormula(const std::string& text);
/** The normalised text of `formula` (what ParseFormula stores in Formula::text). */
std::string FormulaText(const Formula& formula);

}  // namespace moest
