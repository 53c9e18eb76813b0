// Design matrices built from a table and a term list, with the checks a user needs before a fit.
#pragma once

#include <string>
#include <vector>

#include "moest/io/csv.hpp"
#include "moest/io/formula.hpp"

namespace moest {

struct Design {
  arma::mat x;
  std::vector<std::string> names;  // "(Intercept)" then the variables
};

/** Build the design for `terms`; InputError naming a missing column or a non-finite cell's row. */
Design BuildDesign(const Table& table, const TermList& terms);

/**
 * InputError unless `x` has full column rank: names the constant column (with an intercept) or the
 * column that is a linear combination of the earlier ones. `what` says which design ("expert").
 */
void CheckFullRank(const arma::mat& x, const std::vector<std::string>& names, const std::string& what);

}  // namespace moest
