#include <sstream>

#include "moest/errors.hpp"
#include "moest/io/csv.hpp"
#include "moest/io/design.hpp"
#include "moest/io/formula.hpp"
#include "targets.hpp"

namespace moest::fuzz {

namespace {

bool SameTerms(const TermList& a, const TermList& b) {
  return a.intercept == b.intercept && a.terms == b.terms && a.offset.column == b.offset.column &&
         a.offset.log == b.offset.log;
}

}  // namespace

void FuzzFormula(const std::string& input) {
  const auto newline = input.find('\n');
  const std::string text = input.substr(0, newline);
  Formula formula;
  try {
    formula = ParseFormula(text);
  } catch (const InputError&) {
    return;
  }
  // The normalised text (stored in model files) must read back as the same formula.
  Formula again;
  try {
    again = ParseFormula(formula.text);
  } catch (const InputError& e) {
    throw FuzzFinding("normalised formula '" + formula.text + "' does not parse: " + e.what());
  }
  Require(again.response == formula.response && SameTerms(again.expert, formula.expert) &&
              SameTerms(again.gate, formula.gate) && again.text == formula.text,
          "formula '" + text + "' normalised to '" + formula.text + "' reads back differently");
  if (newline == std::string::npos) return;
  try {
    std::istringstream in(input.substr(newline + 1));
    const Table table = ParseCsv(in, "fuzz.csv");
    for (const TermList* terms : {&formula.expert, &formula.gate}) {
      const Design design = BuildDesign(table, *terms);
      Require(design.x.n_rows == table.NumRows() && design.x.n_cols == design.names.size(),
              "design has the wrong shape");
      Require(design.x.is_finite(), "design holds a non-finite value");
      CheckFullRank(design.x, design.names, "expert");
    }
  } catch (const InputError&) {
  }
}

}  // namespace moest::fuzz
