#include "moest/io/poly_basis.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/io/text.hpp"

namespace moest {

std::string PolyLabel(const std::string& column, arma::uword degree, bool raw) {
  return "poly(" + FormulaName(column) + ", " + std::to_string(degree) +
         (raw ? ", raw = TRUE)" : ")");
}

std::string PolyBasis::Label() const { return PolyLabel(column, degree, raw); }

PolyBasis FitPolyBasis(const std::string& column, const arma::vec& x, arma::uword degree, bool raw) {
  PolyBasis basis;
  basis.column = column;
  basis.degree = degree;
  basis.raw = raw;
  const std::string label = basis.Label();
  if (degree < 1) throw InputError(label + ": the degree must be at least 1");
  const arma::uword distinct = arma::vec(arma::unique(x)).n_elem;
  if (degree >= distinct) {
    throw InputError(label + ": degree " + std::to_string(degree) + " needs more than " + std::to_string(degree) +
                     " distinct values of column '" + column + "', which has " + std::to_string(distinct));
  }
  if (raw) return basis;
  // The Stieltjes procedure on the training values: p_0 = 1, p_1 = x - alpha_0,
  // p_{j+1} = (x - alpha_j) p_j - (||p_j||^2 / ||p_{j-1}||^2) p_{j-1}, alpha_j = <x p_j, p_j> / ||p_j||^2.
  // These are the monic orthogonal polynomials R's poly() gets from a QR decomposition.
  const arma::uword n = x.n_elem;
  basis.alpha.set_size(degree);
  basis.norm2.set_size(degree + 2);
  basis.norm2[0] = 1.0;
  arma::vec previous(n, arma::fill::zeros), current(n, arma::fill::ones);
  for (arma::uword j = 0; j <= degree; ++j) {
    basis.norm2[j + 1] = arma::dot(current, current);
    if (j == degree) break;
    basis.alpha[j] = arma::dot(x % current, current) / basis.norm2[j + 1];
    const double ratio = j == 0 ? 0.0 : basis.norm2[j + 1] / basis.norm2[j];
    arma::vec next = (x - basis.alpha[j]) % current - ratio * previous;
    previous = std::move(current);
    current = std::move(next);
  }
  return basis;
}

arma::mat EvaluatePolyBasis(const PolyBasis& basis, const arma::vec& x) {
  const arma::uword n = x.n_elem, d = basis.degree;
  arma::mat out(n, d);
  if (basis.raw) {
    arma::vec power = x;
    for (arma::uword j = 0; j < d; ++j) {
      out.col(j) = power;
      power %= x;
    }
    return out;
  }
  if (basis.alpha.n_elem != d || basis.norm2.n_elem != d + 2) {
    throw InputError(basis.Label() + ": the basis needs " + std::to_string(d) + " alpha and " +
                     std::to_string(d + 2) + " norm2 values");
  }
  // R's predict.poly(): the recurrence with the training alpha and norm2, each column scaled to unit norm
  // on the training data.
  arma::vec previous(n, arma::fill::ones), current = x - basis.alpha[0];
  out.col(0) = current / std::sqrt(basis.norm2[2]);
  for (arma::uword j = 1; j < d; ++j) {
    arma::vec next = (x - basis.alpha[j]) % current - (basis.norm2[j + 1] / basis.norm2[j]) * previous;
    previous = std::move(current);
    current = std::move(next);
    out.col(j) = current / std::sqrt(basis.norm2[j + 2]);
  }
  return out;
}

}  // namespace moest
