#include "moest/io/formula.hpp"

#include <algorithm>

#include "moest/errors.hpp"
#include "moest/io/poly_basis.hpp"
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

// The arguments of a call's text "f(a, b, c)" split at top-level commas (not inside backquotes).
std::vector<std::string> CallArguments(const std::string& inside) {
  std::vector<std::string> arguments(1);
  bool inQuote = false;
  for (char c : inside) {
    if (c == '`') inQuote = !inQuote;
    if (c == ',' && !inQuote) {
      arguments.emplace_back();
    } else {
      arguments.back() += c;
    }
  }
  return arguments;
}

// "poly(x, 3)", "poly(x, degree = 3)", "poly(x, 3, raw = TRUE)": a polynomial term.
Term ParsePoly(const std::string& term, const std::string& formula) {
  const std::string usage = "formula '" + formula + "': the term '" + term +
                            "' should read poly(column, degree) or poly(column, degree, raw = TRUE)";
  const std::vector<std::string> arguments = CallArguments(term.substr(5, term.size() - 6));
  if (arguments.size() < 2 || arguments.size() > 3) throw InputError(usage);
  Term out;
  out.column = Name(arguments[0], formula);
  std::string degree = Trim(arguments[1]);
  if (degree.rfind("degree", 0) == 0 && Trim(degree.substr(6)).rfind('=', 0) == 0) {
    degree = Trim(Trim(degree.substr(6)).substr(1));
  }
  if (degree.empty() || degree.size() > 3 || degree.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(degree) < 1) {
    throw InputError("formula '" + formula + "': the degree of '" + term + "' must be a whole number of at least 1");
  }
  out.degree = static_cast<unsigned>(std::stoi(degree));
  if (arguments.size() == 3) {
    std::string raw = Trim(arguments[2]);
    if (raw.rfind("raw", 0) != 0 || Trim(raw.substr(3)).rfind('=', 0) != 0) throw InputError(usage);
    raw = Trim(Trim(raw.substr(3)).substr(1));
    if (raw == "TRUE" || raw == "T") {
      out.raw = true;
    } else if (raw != "FALSE" && raw != "F") {
      throw InputError(usage);
    }
  }
  return out;
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
    } else if (term.rfind("offset(", 0) == 0 && term.back() == ')') {
      if (terms.offset.Present()) throw InputError("formula '" + formula + "' has more than one offset");
      terms.offset = ParseOffsetExpression(term.substr(7, term.size() - 8), "formula '" + formula + "'");
    } else {
      Term parsed;
      if (term.rfind("poly(", 0) == 0 && term.back() == ')') {
        parsed = ParsePoly(term, formula);
      } else {
        parsed.column = Name(term, formula);
      }
      if (std::find(terms.terms.begin(), terms.terms.end(), parsed) != terms.terms.end()) {
        throw InputError("formula '" + formula + "' names '" + parsed.Label() + "' twice");
      }
      terms.terms.push_back(parsed);
    }
    current.clear();
    sign = nextSign;
  };
  bool inQuote = false;
  int depth = 0;  // inside offset(...) or poly(...): '+' and '-' do not separate terms
  for (char c : part) {
    if (c == '`') inQuote = !inQuote;
    if (!inQuote && c == '(') ++depth;
    if (!inQuote && c == ')') --depth;
    if (!inQuote && depth == 0 && (c == '+' || c == '-')) {
      if (Trim(current).empty() && c == '-' && sign == '+' && terms.terms.empty()) {
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
  const std::string offset = terms.offset.Present() ? " + offset(" + terms.offset.Expression() + ")" : "";
  std::string out;
  if (terms.terms.empty()) return (terms.intercept ? "1" : "0") + offset;
  if (!terms.intercept) out = "0 + ";
  for (std::size_t j = 0; j < terms.terms.size(); ++j) {
    if (terms.terms[j].degree > 0) {
      out += (j ? " + " : "") + terms.terms[j].Label();
      continue;
    }
    out += (j ? " + " : "") + FormulaName(terms.terms[j].column);
  }
  return out + offset;
}

}  // namespace

std::string Term::Label() const { return degree == 0 ? column : PolyLabel(column, degree, raw); }

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
  const std::string left = formula.response;
  if (left.rfind("cbind(", 0) == 0 && left.back() == ')') {
    for (const std::string& name : CallArguments(left.substr(6, left.size() - 7))) {
      formula.responses.push_back(Name(name, text));
      if (std::count(formula.responses.begin(), formula.responses.end(), formula.responses.back()) > 1) {
        throw InputError("formula '" + text + "' names the response '" + formula.responses.back() + "' twice");
      }
    }
  } else {
    formula.responses.push_back(Name(left, text));
  }
  formula.response = formula.responses.front();
  const std::string rhs = text.substr(tilde + 1);
  const auto bar = rhs.find('|');
  if (bar != std::string::npos && rhs.find('|', bar + 1) != std::string::npos) {
    throw InputError("formula '" + text + "' has more than one '|'");
  }
  formula.expert = ParseTerms(bar == std::string::npos ? rhs : rhs.substr(0, bar), text);
  if (bar == std::string::npos) {
    formula.gate = formula.expert;
    formula.gate.offset = OffsetTerm();
  } else {
    formula.gate = ParseTerms(rhs.substr(bar + 1), text);
    if (formula.gate.offset.Present()) {
      throw InputError("formula '" + text + "': an offset belongs to the expert part (before '|'), not the gate's");
    }
  }
  for (const TermList* part : {&formula.expert, &formula.gate}) {
    for (const Term& term : part->terms) {
      if (std::find(formula.responses.begin(), formula.responses.end(), term.column) != formula.responses.end()) {
        throw InputError("formula '" + text + "' uses the response '" + term.column + "' as a covariate");
      }
    }
  }
  formula.hasGatePart = bar != std::string::npos;
  formula.text = FormulaText(formula);
  return formula;
}

std::string FormulaText(const Formula& formula) {
  std::string text = formula.response;
  if (formula.responses.size() > 1) {
    text = "cbind(";
    for (std::size_t j = 0; j < formula.responses.size(); ++j) {
      text += (j ? ", " : "") + FormulaName(formula.responses[j]);
    }
    text += ")";
  }
  text += " ~ " + Describe(formula.expert);
  if (formula.hasGatePart) text += " | " + Describe(formula.gate);
  return text;
}

}  // namespace moest
