// Design matrices built from a table and a term list, with the checks a user needs before a fit.
#pragma once

#include <string>
#include <vector>

#include "moest/io/csv.hpp"
#include "moest/io/formula.hpp"
#include "moest/io/poly_basis.hpp"

namespace moest {

struct Design {
  arma::mat x;
  std::vector<std::string> names;  // "(Intercept)" then the terms; poly(x, d) gives "poly(x, d)1".."poly(x, d)d"
  std::vector<PolyBasis> bases;    // the basis of every polynomial term, fitted on this table
};

/**
 * Build the design for `terms`; InputError naming a missing column, a non-finite cell's row, or a
 * polynomial degree the column's distinct values cannot carry.
 */
Design BuildDesign(const Table& table, const TermList& terms);

/**
 * The design columns `names` (as Design::names) on the rows of `table`, polynomial columns evaluated
 * in the stored `bases` (the training basis, for prediction); InputError naming a missing column.
 */
arma::mat DesignFromNames(const Table& table, const std::vector<std::string>& names,
                          const std::vector<PolyBasis>& bases);

/**
 * Whether two term lists give the same design columns (same intercept, same terms in the same order), so
 * that one matrix can serve as both the expert and the gate design.
 */
bool SameDesignTerms(const TermList& a, const TermList& b);

/** The bases of both designs, each label once (both are fitted on the same rows, so they agree). */
std::vector<PolyBasis> MergedBases(const std::vector<PolyBasis>& expert, const std::vector<PolyBasis>& gate);

/** The data column a design column name reads: the covariate of a polynomial column, else the name. */
std::string ColumnOfDesignName(const std::string& name, const std::vector<PolyBasis>& bases);

/**
 * InputError unless `x` has full column rank: names the constant column (with an intercept) or the
 * column that is a linear combination of the earlier ones. `what` says which design ("expert").
 */
void CheckFullRank(const arma::mat& x, const std::vector<std::string>& names, const std::string& what);

}  // namespace moest
