#include "moest/model/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace moest::kernels {

// Each kernel is compiled twice, for AVX2 (4-wide vector exp/log) and for baseline x86-64, and the
// loader picks the one the processor supports.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MOEST_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define MOEST_KERNEL
#endif

// Rows are processed in blocks with stack buffers: n-sized temporaries cost more in page faults than
// the arithmetic they hold.
constexpr arma::uword kBlock = 512;

MOEST_KERNEL double NormaliseRows(double* logJoint, arma::uword n, arma::uword K, double* rowLse) {
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

MOEST_KERNEL void Exp(const double* in, arma::uword n, double* out) {
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

MOEST_KERNEL void GaussianLogDensity(const arma::mat& x, const arma::vec& beta, const double* y, double constant,
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

MOEST_KERNEL void WeightedCrossProducts(const arma::mat& x, const double* w, const double* y, arma::mat& xtwx, arma::vec& xtwy) {
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

MOEST_KERNEL double WeightedSquaredResiduals(const arma::mat& x, const arma::vec& beta, const double* y, const double* w) {
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

// The gradient and negative Hessian contributions of rows start..start+len-1, given their weights
// g (K rows of kBlock) and the responsibilities r. Accumulates into gradient and the upper triangle of
// negHessian.
static inline void AccumulateGradientHessian(const arma::mat& x, const arma::mat& r, arma::uword start, arma::uword len,
                                             const double (*g)[kBlock], arma::mat& gradient, arma::mat& negHessian) {
  const arma::uword q = x.n_cols;
  const arma::uword K = r.n_cols;
  double rowTotal[kBlock];
  double v[kBlock];
  for (arma::uword i = 0; i < len; ++i) rowTotal[i] = 0.0;
  for (arma::uword k = 0; k < K; ++k) {
    const double* rp = r.colptr(k) + start;
    for (arma::uword i = 0; i < len; ++i) rowTotal[i] += rp[i];
  }
  for (arma::uword j = 1; j < K; ++j) {
    const double* gj = g[j];
    const double* rj = r.colptr(j) + start;
    for (arma::uword i = 0; i < len; ++i) v[i] = rj[i] - rowTotal[i] * gj[i];
    for (arma::uword a = 0; a < q; ++a) {
      const double* xa = x.colptr(a) + start;
      double s = 0.0;
      for (arma::uword i = 0; i < len; ++i) s += v[i] * xa[i];
      gradient(a, j - 1) += s;
    }
    for (arma::uword l = j; l < K; ++l) {
      const double* gl = g[l];
      const double delta = j == l ? 1.0 : 0.0;
      for (arma::uword i = 0; i < len; ++i) v[i] = rowTotal[i] * gj[i] * (delta - gl[i]);
      const arma::uword row = (j - 1) * q, col = (l - 1) * q;
      for (arma::uword a = 0; a < q; ++a) {
        const double* xa = x.colptr(a) + start;
        for (arma::uword b = (j == l ? a : 0); b < q; ++b) {  // diagonal blocks are symmetric
          const double* xb = x.colptr(b) + start;
          double s = 0.0;
          for (arma::uword i = 0; i < len; ++i) s += v[i] * xa[i] * xb[i];
          negHessian(row + a, col + b) += s;
        }
      }
    }
  }
}

// Blocks hold up to this many components' weights on the stack; more components take several blocks'
// worth of heap (rare: K > 32 gates are not the hot case).
constexpr arma::uword kStackComponents = 32;

MOEST_KERNEL double SoftmaxEvaluate(const arma::mat& x, const arma::mat& w, const arma::mat& r, arma::mat& logG,
                                    arma::mat* gradient, arma::mat* negHessian) {
  const arma::uword n = x.n_rows;
  const arma::uword q = x.n_cols;
  const arma::uword K = w.n_cols;
  logG.set_size(n, K);
  const bool derivatives = gradient != nullptr && negHessian != nullptr && K > 1;
  if (derivatives) {
    gradient->zeros(q, K - 1);
    negHessian->zeros(q * (K - 1), q * (K - 1));
  }
  double stackWeights[kStackComponents][kBlock];
  std::vector<double> heapWeights(K > kStackComponents ? K * kBlock : 0);
  auto weights = reinterpret_cast<double(*)[kBlock]>(K > kStackComponents ? heapWeights.data() : &stackWeights[0][0]);
  double rowMax[kBlock], sum[kBlock];
  double objective = 0.0;
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    for (arma::uword k = 0; k < K; ++k) {
      double* eta = weights[k];
      const double* x0 = x.colptr(0) + start;
      const double w0 = w(0, k);
      for (arma::uword i = 0; i < len; ++i) eta[i] = w0 * x0[i];
      for (arma::uword a = 1; a < q; ++a) {
        const double* xa = x.colptr(a) + start;
        const double wa = w(a, k);
        for (arma::uword i = 0; i < len; ++i) eta[i] += wa * xa[i];
      }
    }
    for (arma::uword i = 0; i < len; ++i) rowMax[i] = weights[0][i];
    for (arma::uword k = 1; k < K; ++k) {
      for (arma::uword i = 0; i < len; ++i) rowMax[i] = weights[k][i] > rowMax[i] ? weights[k][i] : rowMax[i];
    }
    for (arma::uword i = 0; i < len; ++i) sum[i] = 0.0;
    for (arma::uword k = 0; k < K; ++k) {
      double* out = logG.colptr(k) + start;
      for (arma::uword i = 0; i < len; ++i) {
        out[i] = weights[k][i] - rowMax[i];
        weights[k][i] = std::exp(out[i]);
        sum[i] += weights[k][i];
      }
    }
    for (arma::uword i = 0; i < len; ++i) {
      rowMax[i] = std::log(sum[i]);  // now the log normaliser of the shifted logits
      sum[i] = 1.0 / sum[i];
    }
    for (arma::uword k = 0; k < K; ++k) {
      double* out = logG.colptr(k) + start;
      const double* rp = r.colptr(k) + start;
      for (arma::uword i = 0; i < len; ++i) {
        out[i] -= rowMax[i];
        objective += rp[i] * out[i];
        weights[k][i] *= sum[i];
      }
    }
    if (derivatives) AccumulateGradientHessian(x, r, start, len, weights, *gradient, *negHessian);
  }
  if (derivatives) *negHessian = arma::symmatu(*negHessian);
  return objective;
}

MOEST_KERNEL void LinearLogSoftmax(const arma::mat& x, const arma::mat& w, arma::mat& logG) {
  const arma::uword n = x.n_rows;
  logG.set_size(n, w.n_cols);
  for (arma::uword k = 0; k < w.n_cols; ++k) {
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
  NormaliseRows(logG.memptr(), n, w.n_cols, nullptr);
}

MOEST_KERNEL void SoftmaxGradientHessian(const arma::mat& x, const arma::mat& logG, const arma::mat& r,
                                         arma::mat& gradient, arma::mat& negHessian) {
  const arma::uword n = x.n_rows;
  const arma::uword q = x.n_cols;
  const arma::uword K = logG.n_cols;
  gradient.zeros(q, K - 1);
  negHessian.zeros(q * (K - 1), q * (K - 1));
  double stackWeights[kStackComponents][kBlock];
  std::vector<double> heapWeights(K > kStackComponents ? K * kBlock : 0);
  auto weights = reinterpret_cast<double(*)[kBlock]>(K > kStackComponents ? heapWeights.data() : &stackWeights[0][0]);
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    for (arma::uword k = 0; k < K; ++k) {
      const double* lp = logG.colptr(k) + start;
      for (arma::uword i = 0; i < len; ++i) weights[k][i] = std::exp(lp[i]);
    }
    AccumulateGradientHessian(x, r, start, len, weights, gradient, negHessian);
  }
  negHessian = arma::symmatu(negHessian);
}

}  // namespace moest::kernels
