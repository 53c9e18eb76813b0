#include "moest/io/formula.hpp"

#include <algorithm>

#include "moest/errors.hpp"
#include "moest/io/text.hpp"

namespace moest {

namespace {

// A column name as written: bare, or in backquotes for names with spaces or symbols.
std::string Name(const std::string& raw, const std::string& formula) {
  std::string name = Trim(raw);
  if (name.size() >= 2 && name.front() == '`' && name.back() == '`') {
    name = name.substr(1, name.size() - 2);
    if (name.empty() || name.find('`') != std::string::npos) {
      throw InputError("formula '" + formula + "': `" + name + "` is not a column name (backquotes hold a non-empty name without backquotes)");
    }
    return name;
  }
  if (name.empty()) throw InputError("formula '" + formula + "' has an empty term");
  if (name == ".") {
    throw InputError("formula '" + formula + "': '.' (all other columns) is not supported; name the columns");
  }
  if (name.find_first_of("()*:^/`") != std::string::npos) {
    throw InputError("formula '" + formula + "': the term '" + name +
                     "' is not a column name (functions and interactions are not supported here; "
                     "add the transformed column to the data)");
  }
  return name;
}

TermList ParseTerms(const std::string& part, const std::string& formula) {
  if (Trim(part).empty()) {
    throw InputError("formula '" + formula + "' has an empty side (write 1 for an intercept only)");
  }
  TermList terms;
  std::string current;
  char sign = '+';
  auto flush = [&](char nextSign) {
    const std::string term = Trim(current);
    if (term.empty()) {
      throw InputError("formula '" + formula + "' has an empty term");
    } else if (term == "1") {
      terms.intercept = sign == '+';
    } else if (term == "0") {
      if (sign == '-') throw InputError("formula '" + formula + "': '- 0' is not meaningful");
      terms.intercept = false;
    } else if (sign == '-') {
      throw InputError("formula '" + formula + "': removing the term '" + term + "' is not supported");
    } else {
      const std::string name = Name(term, formula);
      if (std::find(terms.variables.begin(), terms.variables.end(), name) != terms.variables.end()) {
        throw InputError("formula '" + formula + "' names '" + name + "' twice");
      }
      terms.variables.push_back(name);
    }
    current.clear();
    sign = nextSign;
  };
  bool inQuote = false;
  for (char c : part) {
    if (c == '`') inQuote = !inQuote;
    if (!inQuote && (c == '+' || c == '-')) {
      if (Trim(current).empty() && c == '-' && sign == '+' && terms.variables.empty()) {
        sign = '-';  // a leading minus, as in "~ -1 + x"
        continue;
      }
      flush(c);
    } else {
      current += c;
    }
  }
  flush('\0');
  return terms;
}

std::string Describe(const TermList& terms) {
  std::string out;
  if (terms.variables.empty()) return terms.intercept ? "1" : "0";
  if (!terms.intercept) out = "0 + ";
  for (std::size_t j = 0; j < terms.variables.size(); ++j) {
    const std::string& name = terms.variables[j];
    // Quote what would not read back as this name bare: symbols, spaces, "0", "1", ".".
    const bool plain = name.find_first_of(" \t\r+-|~`()*:^/") == std::string::npos && name != "0" && name != "1" &&
                       name != ".";
    out += (j ? " + " : "") + (plain ? name : "`" + name + "`");
  }
  return out;
}

}  // namespace

Formula ParseFormula(const std::string& text) {
  const auto tilde = text.find('~');
  if (tilde == std::string::npos || text.find('~', tilde + 1) != std::string::npos) {
    throw InputError("formula '" + text + "' must have exactly one '~', as in \"y ~ x | z\"");
  }
  Formula formula;
  formula.response = Trim(text.substr(0, tilde));
  if (formula.response.empty()) {
    throw InputError("formula '" + text + "' has no response before '~'");
  }
  formula.response = Name(formula.response, text);
  const std::string rhs = text.substr(tilde + 1);
  const auto bar = rhs.find('|');
  if (bar != std::string::npos && rhs.find('|', bar + 1) != std::string::npos) {
    throw InputError("formula '" + text + "' has more than one '|'");
  }
  formula.expert = ParseTerms(bar == std::string::npos ? rhs : rhs.substr(0, bar), text);
  formula.gate = bar == std::string::npos ? formula.expert : ParseTerms(rhs.substr(bar + 1), text);
  for (const std::string& name : formula.expert.variables) {
    if (name == formula.response) throw InputError("formula '" + text + "' uses the response '" + name + "' as a covariate");
  }
  for (const std::string& name : formula.gate.variables) {
    if (name == formula.response) throw InputError("formula '" + text + "' uses the response '" + name + "' as a covariate");
  }
  formula.text = formula.response + " ~ " + Describe(formula.expert);
  if (bar != std::string::npos) formula.text += " | " + Describe(formula.gate);
  return formula;
}

}  // namespace moest
