#include "moest/gate/scale_factor.hpp"

#include <cmath>

namespace moest::scale_factor {

arma::uword Count(arma::uword q, bool diagonal) { return diagonal ? q : q * (q + 1) / 2; }

arma::vec Pack(const arma::mat& L, bool diagonal) {
  const arma::uword q = L.n_rows;
  arma::vec theta(Count(q, diagonal));
  arma::uword at = 0;
  for (arma::uword j = 0; j < q; ++j) theta[at++] = std::log(L(j, j));
  if (!diagonal) {
    for (arma::uword j = 0; j < q; ++j) {
      for (arma::uword i = j + 1; i < q; ++i) theta[at++] = L(i, j);
    }
  }
  return theta;
}

arma::mat Unpack(const arma::vec& theta, arma::uword offset, arma::uword q, bool diagonal) {
  arma::mat L(q, q, arma::fill::zeros);
  arma::uword at = offset;
  for (arma::uword j = 0; j < q; ++j) L(j, j) = std::exp(theta[at++]);
  if (!diagonal) {
    for (arma::uword j = 0; j < q; ++j) {
      for (arma::uword i = j + 1; i < q; ++i) L(i, j) = theta[at++];
    }
  }
  return L;
}

arma::vec PackGradient(const arma::mat& L, const arma::mat& dL, bool diagonal) {
  const arma::uword q = L.n_rows;
  arma::vec g(Count(q, diagonal));
  arma::uword at = 0;
  // d/d log L_jj = L_jj d/dL_jj.
  for (arma::uword j = 0; j < q; ++j) g[at++] = dL(j, j) * L(j, j);
  if (!diagonal) {
    for (arma::uword j = 0; j < q; ++j) {
      for (arma::uword i = j + 1; i < q; ++i) g[at++] = dL(i, j);
    }
  }
  return g;
}

bool Factor(const arma::mat& covariance, const arma::vec& floor, bool diagonal, arma::mat& L) {
  const arma::uword q = covariance.n_rows;
  if (diagonal) {
    bool bound = false;
    L.zeros(q, q);
    for (arma::uword j = 0; j < q; ++j) {
      double v = covariance(j, j);
      if (!(v >= floor[j])) {
        v = floor[j];
        bound = true;
      }
      L(j, j) = std::sqrt(v);
    }
    return bound;
  }
  // Work on the correlation scale so that one floor fits columns of any units.
  const arma::vec scale = arma::sqrt(floor);
  arma::mat scaled = covariance.each_col() / scale;
  scaled.each_row() /= scale.t();
  scaled = 0.5 * (scaled + scaled.t());
  arma::vec values;
  arma::mat vectors;
  bool bound = false;
  if (!arma::eig_sym(values, vectors, scaled)) {
    scaled = arma::eye(q, q);
    bound = true;
  } else if (values.min() < 1.0) {
    values.transform([](double v) { return v < 1.0 ? 1.0 : v; });
    scaled = vectors * arma::diagmat(values) * vectors.t();
    scaled = 0.5 * (scaled + scaled.t());
    bound = true;
  }
  arma::mat upper;
  if (!arma::chol(upper, scaled)) {
    scaled.diag() += 1.0;
    arma::chol(upper, scaled);
    bound = true;
  }
  L = upper.t();
  L.each_col() %= scale;
  return bound;
}

arma::mat Whiten(const arma::mat& x, const arma::vec& mean, const arma::mat& L) {
  arma::mat centred = x.each_row() - mean.t();
  return arma::solve(arma::trimatl(L), centred.t()).t();
}

bool FitWeighted(const arma::mat& x, const arma::vec& w, double divisor, const arma::vec& floor, bool diagonal,
                 arma::vec& location, arma::mat& L) {
  location = x.t() * w / arma::accu(w);
  arma::mat centred = x.each_row() - location.t();
  const arma::mat scatter = centred.t() * (centred.each_col() % w) / divisor;
  return Factor(scatter, floor, diagonal, L);
}

void Gradient(const arma::mat& z, const arma::mat& L, const arma::vec& wQuad, double wTotal, bool diagonal,
              arma::vec& location, arma::vec& packed) {
  // d/dm = S^{-1}(x - m) = L^{-T} z; d/dL = L^{-T} z z' - diag(1 / L_jj).
  const arma::mat Linv = arma::inv(arma::trimatl(L));
  location = Linv.t() * (z.t() * wQuad);
  arma::mat dL = Linv.t() * (z.t() * (z.each_col() % wQuad));
  dL.diag() -= wTotal / L.diag();
  packed = arma::join_cols(packed, PackGradient(L, dL, diagonal));
}

double LogDet(const arma::mat& L) { return 2.0 * arma::accu(arma::log(L.diag())); }

}  // namespace moest::scale_factor
