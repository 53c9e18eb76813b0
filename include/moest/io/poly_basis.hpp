// Polynomial terms of a formula, poly(x, d) and poly(x, d, raw = TRUE), as R's stats::poly() builds
// them. The orthogonal basis is the three-term recurrence of the polynomials orthogonal on the
// training values of x (alpha and norm2 as R stores them in attr(, "coefs")), so new data are
// evaluated in the training basis, as R's predict.poly() does.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"

namespace moest {

struct PolyBasis {
  std::string column;  // the covariate
  arma::uword degree = 1;
  bool raw = false;    // x, x^2, ..., x^d rather than the orthogonal basis
  arma::vec alpha;     // orthogonal: d recurrence centres
  arma::vec norm2;     // orthogonal: d + 2 squared norms (1, n, ||p_1||^2, ..., ||p_d||^2), as R's

  /** "poly(x, 3)" or "poly(x, 3, raw = TRUE)": R's term label; design columns add 1..d to it. */
  std::string Label() const;
};

/** The label of poly(`column`, `degree`[, raw = TRUE]) (a column name that is not plain in backquotes). */
std::string PolyLabel(const std::string& column, arma::uword degree, bool raw);

/**
 * The basis of poly(column, degree) on the training values `x`: InputError naming the term and the
 * column when the degree is below 1 or not below the number of distinct values.
 */
PolyBasis FitPolyBasis(const std::string& column, const arma::vec& x, arma::uword degree, bool raw);

/** The n x degree design columns of `basis` at `x` (training or new values). */
arma::mat EvaluatePolyBasis(const PolyBasis& basis, const arma::vec& x);

}  // namespace moest
