// An exposure offset as a formula or the command line names it: offset(t) (the column as it is, already
// on the scale of the linear predictor) or offset(log(t)). The values enter Data::offset.
#pragma once

#include <string>

#include "moest/arma.hpp"
#include "moest/io/csv.hpp"

namespace moest {

struct OffsetTerm {
  std::string column;  // empty: no offset
  bool log = false;    // log(column) rather than the column itself

  bool Present() const { return !column.empty(); }
  /** "t" or "log(t)" (a name that is not plain in backquotes): the text model files store. */
  std::string Expression() const;
};

/**
 * Parse an offset's expression, "t", "`a b`" or "log(t)" (what goes inside offset(...)); InputError
 * saying what is accepted. `context` names where it came from (a formula, a model file).
 */
OffsetTerm ParseOffsetExpression(const std::string& text, const std::string& context);

/**
 * The offset's values on the rows of `table`: InputError naming the column when it is missing, has a
 * non-finite cell, or (for log) a value that is not positive, with the row.
 */
arma::vec EvaluateOffset(const Table& table, const OffsetTerm& offset);

}  // namespace moest
