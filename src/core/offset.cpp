#include "moest/io/offset.hpp"

#include <sstream>

#include "moest/errors.hpp"
#include "moest/io/text.hpp"

namespace moest {

namespace {

// A column name as written inside offset(...): bare, or in backquotes.
std::string OffsetColumn(const std::string& raw, const std::string& text, const std::string& context) {
  std::string name = Trim(raw);
  // Backquotes allow any name without a backquote; a bare name must not look like an expression.
  const bool quoted = name.size() >= 2 && name.front() == '`' && name.back() == '`';
  if (quoted) name = name.substr(1, name.size() - 2);
  const char* forbidden = quoted ? "`" : "()`,+-*/^:|~ \t";
  if (name.empty() || name.find_first_of(forbidden) != std::string::npos) {
    throw InputError(context + ": the offset '" + text +
                     "' is not supported (write offset(column) for a column already on the log scale, or "
                     "offset(log(column)))");
  }
  return name;
}

}  // namespace

std::string OffsetTerm::Expression() const {
  return log ? "log(" + FormulaName(column) + ")" : FormulaName(column);
}

OffsetTerm ParseOffsetExpression(const std::string& text, const std::string& context) {
  const std::string trimmed = Trim(text);
  OffsetTerm offset;
  if (trimmed.rfind("log(", 0) == 0 && trimmed.back() == ')') {
    offset.log = true;
    offset.column = OffsetColumn(trimmed.substr(4, trimmed.size() - 5), text, context);
  } else {
    offset.column = OffsetColumn(trimmed, text, context);
  }
  return offset;
}

arma::vec EvaluateOffset(const Table& table, const OffsetTerm& offset) {
  if (!table.Has(offset.column)) {
    throw InputError("the offset " + offset.Expression() + " needs the column '" + offset.column +
                     "', which the data lack (columns: " + table.NameList() + ")");
  }
  arma::vec values;
  try {
    values = table.Numeric(offset.column);
  } catch (const InputError& e) {
    throw InputError("offset " + offset.Expression() + ": " + e.what());
  }
  if (!offset.log) return values;
  for (arma::uword i = 0; i < values.n_elem; ++i) {
    if (!(values[i] > 0.0)) {
      std::ostringstream message;
      message << "offset " << offset.Expression() << ": column '" << offset.column << "' has the value " << values[i]
              << " in row " << i + 1 << ", but log() needs positive values";
      throw InputError(message.str());
    }
  }
  return arma::log(values);
}

}  // namespace moest
