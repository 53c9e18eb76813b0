#include "moest/io/design.hpp"

#include <algorithm>
#include <cmath>

#include "moest/errors.hpp"

namespace moest {

Design BuildDesign(const Table& table, const TermList& terms) {
  Design design;
  const arma::uword n = table.NumRows();
  if (n == 0) throw InputError("the data have no rows");
  arma::uword p = terms.intercept ? 1 : 0;
  for (const Term& term : terms.terms) p += term.degree == 0 ? 1 : term.degree;
  if (p == 0) throw InputError("a design has no columns: the formula drops the intercept and names no variables");
  design.x.set_size(n, p);
  arma::uword j = 0;
  if (terms.intercept) {
    design.x.col(j++).ones();
    design.names.push_back("(Intercept)");
  }
  for (const Term& term : terms.terms) {
    if (term.degree == 0) {
      table.CopyNumeric(term.column, design.x.colptr(j++));  // straight into the design: no n-vector copy
      design.names.push_back(term.column);
      continue;
    }
    const arma::vec x = table.Numeric(term.column);
    const PolyBasis basis = FitPolyBasis(term.column, x, term.degree, term.raw);
    design.x.cols(j, j + term.degree - 1) = EvaluatePolyBasis(basis, x);
    j += term.degree;
    for (unsigned d = 1; d <= term.degree; ++d) design.names.push_back(term.Label() + std::to_string(d));
    design.bases.push_back(basis);
  }
  return design;
}

namespace {

// The basis whose label, followed by a column number 1..d, is `name`; null when there is none.
const PolyBasis* BasisOf(const std::string& name, const std::vector<PolyBasis>& bases, arma::uword& column) {
  for (const PolyBasis& basis : bases) {
    const std::string label = basis.Label();
    if (name.size() <= label.size() || name.compare(0, label.size(), label) != 0) continue;
    const std::string number = name.substr(label.size());
    if (number.find_first_not_of("0123456789") != std::string::npos || number.size() > 4) continue;
    const arma::uword d = std::stoul(number);
    if (d < 1 || d > basis.degree) continue;
    column = d - 1;
    return &basis;
  }
  return nullptr;
}

}  // namespace

arma::mat DesignFromNames(const Table& table, const std::vector<std::string>& names,
                          const std::vector<PolyBasis>& bases) {
  arma::mat design(table.NumRows(), names.size());
  for (std::size_t j = 0; j < names.size(); ++j) {
    arma::uword column = 0;
    if (names[j] == "(Intercept)") {
      design.col(j).ones();
    } else if (const PolyBasis* basis = BasisOf(names[j], bases, column)) {
      design.col(j) = EvaluatePolyBasis(*basis, table.Numeric(basis->column)).col(column);
    } else {
      table.CopyNumeric(names[j], design.colptr(j));
    }
  }
  return design;
}

bool SameDesignTerms(const TermList& a, const TermList& b) {
  return a.intercept == b.intercept && a.terms == b.terms;
}

std::vector<PolyBasis> MergedBases(const std::vector<PolyBasis>& expert, const std::vector<PolyBasis>& gate) {
  std::vector<PolyBasis> merged = expert;
  for (const PolyBasis& basis : gate) {
    bool known = false;
    for (const PolyBasis& other : merged) known = known || other.Label() == basis.Label();
    if (!known) merged.push_back(basis);
  }
  return merged;
}

std::string ColumnOfDesignName(const std::string& name, const std::vector<PolyBasis>& bases) {
  arma::uword column = 0;
  const PolyBasis* basis = BasisOf(name, bases, column);
  return basis != nullptr ? basis->column : name;
}

namespace {

// Rows of the design factored at a time by CheckFullRank.
constexpr arma::uword kRankBlockRows = 4096;

// The R factor of the QR decomposition of x (up to the signs of its rows), by blocks of rows: the R of
// [R_before; next block] is the R of every row so far, so no n x p factor Q is ever formed. False when
// a block cannot be factored.
bool BlockedR(const arma::mat& x, arma::mat& r) {
  const arma::uword p = x.n_cols;
  r.reset();
  arma::mat stacked, q, blockR;
  for (arma::uword first = 0; first < x.n_rows; first += kRankBlockRows) {
    const arma::uword last = std::min<arma::uword>(first + kRankBlockRows, x.n_rows) - 1;
    stacked = arma::join_cols(r, x.rows(first, last));
    if (!arma::qr_econ(q, blockR, stacked)) return false;
    r = blockR.head_rows(std::min<arma::uword>(p, blockR.n_rows));
  }
  return r.n_rows == p;
}

}  // namespace

void CheckFullRank(const arma::mat& x, const std::vector<std::string>& names, const std::string& what) {
  const arma::uword n = x.n_rows;
  const arma::uword p = x.n_cols;
  if (n < p) {
    throw InputError("the " + what + " design has " + std::to_string(p) + " columns but only " +
                     std::to_string(n) + " rows");
  }
  // Householder QR without pivoting: |R_jj| is the norm of what is left of column j after removing
  // the columns before it, so a tiny |R_jj| relative to the column's norm names the culprit.
  arma::mat r;
  const bool factored = BlockedR(x, r);
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
