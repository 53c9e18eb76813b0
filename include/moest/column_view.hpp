// A column of a matrix as an arma::vec that shares the matrix's memory. Passing `m.col(k)` where a
// `const arma::vec&` is expected makes Armadillo copy the column into a fresh n-vector on every call;
// in EM loops and information matrices that allocation (and its first-touch page faults) costs more
// than the arithmetic. The view is valid while `m` is alive and not resized.
#pragma once

#include "moest/arma.hpp"

namespace moest {

inline const arma::vec ColumnView(const arma::mat& m, arma::uword k) {
  return arma::vec(const_cast<double*>(m.colptr(k)), m.n_rows, /*copy_aux_mem=*/false, /*strict=*/true);
}

}  // namespace moest
