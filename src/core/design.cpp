#include "moest/io/design.hpp"

#include <cmath>

#include "moest/errors.hpp"

namespace moest {

Design BuildDesign(const Table& table, const TermList& terms) {
  Design design;
  const arma::uword n = table.NumRows();
  if (n == 0) throw InputError("the data have no rows");
  const arma::uword p = (terms.intercept ? 1 : 0) + terms.variables.size();
  if (p == 0) throw InputError("a design has no columns: the formula drops the intercept and names no variables");
  design.x.set_size(n, p);
  arma::uword j = 0;
  if (terms.intercept) {
    design.x.col(j++).ones();
    design.names.push_back("(Intercept)");
  }
  for (const std::string& name : terms.variables) {
    design.x.col(j++) = table.Numeric(name);
    design.names.push_back(name);
  }
  return design;
}

void CheckFullRank(const arma::mat& x, const std::vector<std::string>& names, const std::string& what) {
  const arma::uword n = x.n_rows;
  const arma::uword p = x.n_cols;
  if (n < p) {
    throw InputError("the " + what + " design has " + std::to_string(p) + " columns but only " +
                     std::to_string(n) + " rows");
  }
  // Householder QR without pivoting: |R_jj| is the norm of what is left of column j after removing
  // the columns before it, so a tiny |R_jj| relative to the column's norm names the culprit.
  arma::mat q, r;
  const bool factored = arma::qr_econ(q, r, x);
  bool hasIntercept = false;
  for (arma::uword j = 0; j < p; ++j) {
    const double norm = arma::norm(x.col(j));
    const bool constant = x.col(j).min() == x.col(j).max();
    if (norm == 0.0) throw InputError("the " + what + " design is singular: column '" + names[j] + "' is all zeros");
    if (!factored || std::abs(r(j, j)) <= 1e-9 * norm) {
      if (constant && hasIntercept) {
        throw InputError("the " + what + " design is singular: column '" + names[j] +
                         "' is constant, which duplicates the intercept");
      }
      throw InputError("the " + what + " design is singular: column '" + names[j] +
                       "' is a linear combination of the columns before it");
    }
    hasIntercept = hasIntercept || constant;
  }
}

}  // namespace moest
