#include "moest/gate/logit_helpers.hpp"

#include <cmath>

namespace moest::gates {

bool FirstColumnIsIntercept(const arma::mat& x) {
  if (x.n_cols == 0 || x.n_rows == 0) return false;
  const double* column = x.colptr(0);
  for (arma::uword i = 0; i < x.n_rows; ++i) {
    if (column[i] != 1.0) return false;
  }
  return true;
}

void LogSoftmaxRows(arma::mat& logits) {
  const arma::uword n = logits.n_rows, K = logits.n_cols;
  arma::vec top = arma::max(logits, 1);
  arma::vec total(n, arma::fill::zeros);
  for (arma::uword k = 0; k < K; ++k) total += arma::exp(logits.col(k) - top);
  const arma::vec lse = top + arma::log(total);
  logits.each_col() -= lse;
}

arma::mat SoftmaxLogitGradient(const arma::mat& logG, const arma::mat& c) {
  const arma::vec rowTotal = arma::sum(c, 1);
  arma::mat out = arma::exp(logG);
  out.each_col() %= rowTotal;
  return c - out;
}

double WeightedSum(const arma::mat& c, const arma::mat& logG) {
  double total = 0.0;
  for (arma::uword j = 0; j < c.n_elem; ++j) {
    if (c[j] != 0.0) total += c[j] * logG[j];
  }
  return total;
}

}  // namespace moest::gates
