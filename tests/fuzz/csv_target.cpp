#include <cmath>
#include <sstream>

#include "moest/errors.hpp"
#include "moest/io/categorical.hpp"
#include "moest/io/csv.hpp"
#include "targets.hpp"

namespace moest::fuzz {

void FuzzCsv(const std::string& input) {
  Table table;
  try {
    std::istringstream in(input);
    table = ParseCsv(in, "fuzz.csv");
  } catch (const InputError&) {
    return;
  }
  for (const Column& column : table.Columns()) {
    Require(column.missing.size() == table.NumRows(), "column '" + column.name + "' has the wrong length");
    try {
      const arma::vec x = table.Numeric(column.name);
      Require(x.n_elem == table.NumRows() && x.is_finite(), "Numeric passed a non-finite cell");
    } catch (const InputError&) {
    }
    try {
      const std::vector<std::string> labels = ClassLabels(column);
      const arma::mat codes = EncodeClasses(column, labels);
      Require(codes.n_rows == table.NumRows(), "EncodeClasses has the wrong length");
      Require(codes.is_empty() || (codes.min() >= 0 && codes.max() < labels.size()), "class code out of range");
    } catch (const InputError&) {
    }
  }
}

}  // namespace moest::fuzz
