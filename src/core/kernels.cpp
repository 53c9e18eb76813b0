#include "moest/model/kernels.hpp"

#include <algorithm>
#include <cmath>

namespace moest::kernels {

// Rows are processed in blocks with stack buffers: n-sized temporaries cost more in page faults than
// the arithmetic they hold.
constexpr arma::uword kBlock = 512;

double NormaliseRows(double* logJoint, arma::uword n, arma::uword K, double* rowLse) {
  double rowMax[kBlock];
  double sum[kBlock];
  double total = 0.0;
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    double* base = logJoint + start;
    for (arma::uword i = 0; i < len; ++i) rowMax[i] = base[i];
    for (arma::uword k = 1; k < K; ++k) {
      const double* col = base + k * n;
      for (arma::uword i = 0; i < len; ++i) rowMax[i] = col[i] > rowMax[i] ? col[i] : rowMax[i];
    }
    for (arma::uword i = 0; i < len; ++i) sum[i] = 0.0;
    for (arma::uword k = 0; k < K; ++k) {
      const double* col = base + k * n;
      for (arma::uword i = 0; i < len; ++i) sum[i] += std::exp(col[i] - rowMax[i]);
    }
    for (arma::uword i = 0; i < len; ++i) {
      sum[i] = rowMax[i] + std::log(sum[i]);
      total += sum[i];
    }
    for (arma::uword k = 0; k < K; ++k) {
      double* col = base + k * n;
      for (arma::uword i = 0; i < len; ++i) col[i] -= sum[i];
    }
    if (rowLse != nullptr) std::copy(sum, sum + len, rowLse + start);
  }
  return total;
}

void Exp(const double* in, arma::uword n, double* out) {
  for (arma::uword i = 0; i < n; ++i) out[i] = std::exp(in[i]);
}

// mu = x * beta for rows start..start+len-1, into a stack buffer.
static void LinearPredictor(const arma::mat& x, const arma::vec& beta, arma::uword start, arma::uword len, double* mu) {
  const double* x0 = x.colptr(0) + start;
  for (arma::uword i = 0; i < len; ++i) mu[i] = beta[0] * x0[i];
  for (arma::uword a = 1; a < x.n_cols; ++a) {
    const double* xa = x.colptr(a) + start;
    const double b = beta[a];
    for (arma::uword i = 0; i < len; ++i) mu[i] += b * xa[i];
  }
}

void GaussianLogDensity(const arma::mat& x, const arma::vec& beta, const double* y, double constant,
                        double inverseScale, double* out) {
  const arma::uword n = x.n_rows;
  double mu[kBlock];
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    LinearPredictor(x, beta, start, len, mu);
    for (arma::uword i = 0; i < len; ++i) {
      const double z = (y[start + i] - mu[i]) * inverseScale;
      out[start + i] = constant - 0.5 * z * z;
    }
  }
}

void WeightedCrossProducts(const arma::mat& x, const double* w, const double* y, arma::mat& xtwx, arma::vec& xtwy) {
  const arma::uword n = x.n_rows;
  const arma::uword p = x.n_cols;
  xtwx.zeros(p, p);
  xtwy.zeros(p);
  double wa[kBlock];
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    for (arma::uword a = 0; a < p; ++a) {
      const double* xa = x.colptr(a) + start;
      double sy = 0.0;
      for (arma::uword i = 0; i < len; ++i) {
        wa[i] = w[start + i] * xa[i];
        sy += wa[i] * y[start + i];
      }
      xtwy[a] += sy;
      for (arma::uword b = a; b < p; ++b) {
        const double* xb = x.colptr(b) + start;
        double s = 0.0;
        for (arma::uword i = 0; i < len; ++i) s += wa[i] * xb[i];
        xtwx(a, b) += s;
      }
    }
  }
  xtwx = arma::symmatu(xtwx);
}

double WeightedSquaredResiduals(const arma::mat& x, const arma::vec& beta, const double* y, const double* w) {
  const arma::uword n = x.n_rows;
  double mu[kBlock];
  double s = 0.0;
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    LinearPredictor(x, beta, start, len, mu);
    for (arma::uword i = 0; i < len; ++i) {
      const double e = y[start + i] - mu[i];
      s += w[start + i] * e * e;
    }
  }
  return s;
}

double SoftmaxObjective(const arma::mat& x, const arma::mat& w, const arma::mat& r, arma::mat& logG) {
  const arma::uword n = x.n_rows;
  const arma::uword K = w.n_cols;
  logG.set_size(n, K);
  // Logits column by column: q is small, so axpy loops beat a general matrix product here.
  for (arma::uword k = 0; k < K; ++k) {
    double* out = logG.colptr(k);
    const double* x0 = x.colptr(0);
    const double w0 = w(0, k);
    for (arma::uword i = 0; i < n; ++i) out[i] = w0 * x0[i];
    for (arma::uword a = 1; a < x.n_cols; ++a) {
      const double* xa = x.colptr(a);
      const double wa = w(a, k);
      for (arma::uword i = 0; i < n; ++i) out[i] += wa * xa[i];
    }
  }
  NormaliseRows(logG.memptr(), n, K, nullptr);
  double objective = 0.0;
  const double* rp = r.memptr();
  const double* lp = logG.memptr();
  for (arma::uword i = 0; i < n * K; ++i) objective += rp[i] * lp[i];
  return objective;
}

void SoftmaxGradientHessian(const arma::mat& x, const arma::mat& logG, const arma::mat& r, arma::mat& gradient,
                            arma::mat& negHessian) {
  const arma::uword n = x.n_rows;
  const arma::uword q = x.n_cols;
  const arma::uword K = logG.n_cols;
  const arma::uword m = q * (K - 1);
  gradient.zeros(q, K - 1);
  negHessian.zeros(m, m);
  constexpr arma::uword kMaxK = 16;  // larger K falls back to several passes over g
  double rowTotal[kBlock];
  double v[kBlock];
  double gBlock[kMaxK][kBlock];
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    for (arma::uword i = 0; i < len; ++i) rowTotal[i] = 0.0;
    for (arma::uword k = 0; k < K; ++k) {
      const double* rp = r.colptr(k) + start;
      for (arma::uword i = 0; i < len; ++i) rowTotal[i] += rp[i];
    }
    auto weights = [&](arma::uword k, double* out) {
      const double* lp = logG.colptr(k) + start;
      for (arma::uword i = 0; i < len; ++i) out[i] = std::exp(lp[i]);
    };
    double gj[kBlock], gl[kBlock];
    for (arma::uword k = 1; k < K && k < kMaxK; ++k) weights(k, gBlock[k]);
    for (arma::uword j = 1; j < K; ++j) {
      const double* gjp = j < kMaxK ? gBlock[j] : (weights(j, gj), gj);
      const double* rj = r.colptr(j) + start;
      for (arma::uword i = 0; i < len; ++i) v[i] = rj[i] - rowTotal[i] * gjp[i];
      for (arma::uword a = 0; a < q; ++a) {
        const double* xa = x.colptr(a) + start;
        double s = 0.0;
        for (arma::uword i = 0; i < len; ++i) s += v[i] * xa[i];
        gradient(a, j - 1) += s;
      }
      for (arma::uword l = j; l < K; ++l) {
        const double* glp = l < kMaxK ? gBlock[l] : (weights(l, gl), gl);
        const double delta = j == l ? 1.0 : 0.0;
        for (arma::uword i = 0; i < len; ++i) v[i] = rowTotal[i] * gjp[i] * (delta - glp[i]);
        const arma::uword row = (j - 1) * q, col = (l - 1) * q;
        for (arma::uword a = 0; a < q; ++a) {
          const double* xa = x.colptr(a) + start;
          for (arma::uword b = 0; b < q; ++b) {
            if (j == l && b < a) continue;  // the diagonal block is symmetric
            const double* xb = x.colptr(b) + start;
            double s = 0.0;
            for (arma::uword i = 0; i < len; ++i) s += v[i] * xa[i] * xb[i];
            negHessian(row + a, col + b) += s;
          }
        }
      }
    }
  }
  // Fill the lower triangle (and the lower half of each diagonal block) from the upper.
  negHessian = arma::symmatu(negHessian);
}

}  // namespace moest::kernels
