#include "moest/model/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace moest::kernels {

// Each kernel is compiled twice, for AVX2 (4-wide vector exp/log) and for baseline x86-64, and the
// loader picks the one the processor supports.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MOEST_KERNEL __attribute__((target_clones("avx2", "default")))
#else
#define MOEST_KERNEL
#endif
// The kernels' helpers are inlined into each clone, so that they are compiled for its instruction set
// (a helper left out of line would run the baseline code inside the AVX2 kernel).
#if defined(__GNUC__)
#define MOEST_HELPER static inline __attribute__((always_inline))
#else
#define MOEST_HELPER static inline
#endif

// Rows are processed in blocks with stack buffers: n-sized temporaries cost more in page faults than
// the arithmetic they hold.
constexpr arma::uword kBlock = 512;

// The maximum of each of `len` rows of the K columns (stride n) starting at `base`.
MOEST_HELPER void RowMax(const double* base, arma::uword n, arma::uword K, arma::uword len, double* rowMax) {
  for (arma::uword i = 0; i < len; ++i) rowMax[i] = base[i];
  for (arma::uword k = 1; k < K; ++k) {
    const double* col = base + k * n;
    for (arma::uword i = 0; i < len; ++i) rowMax[i] = col[i] > rowMax[i] ? col[i] : rowMax[i];
  }
}

MOEST_KERNEL double NormaliseRows(double* logJoint, arma::uword n, arma::uword K, double* rowLse) {
  double rowMax[kBlock];
  double sum[kBlock];
  double total = 0.0;
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    double* base = logJoint + start;
    RowMax(base, n, K, len, rowMax);
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

MOEST_KERNEL double Responsibilities(const double* logJoint, arma::uword n, arma::uword K, double* r) {
  double rowMax[kBlock];
  double sum[kBlock];
  double total = 0.0;
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    const double* base = logJoint + start;
    RowMax(base, n, K, len, rowMax);
    for (arma::uword i = 0; i < len; ++i) sum[i] = 0.0;
    for (arma::uword k = 0; k < K; ++k) {
      const double* col = base + k * n;
      double* out = r + start + k * n;
      for (arma::uword i = 0; i < len; ++i) {
        out[i] = std::exp(col[i] - rowMax[i]);
        sum[i] += out[i];
      }
    }
    for (arma::uword i = 0; i < len; ++i) {
      total += rowMax[i] + std::log(sum[i]);
      sum[i] = 1.0 / sum[i];
    }
    for (arma::uword k = 0; k < K; ++k) {
      double* out = r + start + k * n;
      for (arma::uword i = 0; i < len; ++i) out[i] *= sum[i];
    }
  }
  return total;
}

MOEST_KERNEL void Exp(const double* in, arma::uword n, double* out) {
  for (arma::uword i = 0; i < n; ++i) out[i] = std::exp(in[i]);
}

MOEST_KERNEL double Entropy(const double* r, arma::uword n) {
  double entropy = 0.0;
  for (arma::uword i = 0; i < n; ++i) {
    const double p = r[i] > 0.0 ? r[i] : 1.0;  // log 1 = 0: no NaN from 0 log 0 under fast math
    entropy -= p * std::log(p);
  }
  return entropy;
}

// mu = x * beta for rows start..start+len-1, into a stack buffer.
MOEST_HELPER void LinearPredictor(const arma::mat& x, const arma::vec& beta, arma::uword start, arma::uword len, double* mu) {
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

// s_g = sum_i c_g[i] x_a[i] x_b[i] for G weight vectors at once: x_a and x_b are read once for all G.
template <int G>
MOEST_HELPER void WeightedProductSums(const double* xa, const double* xb, const double* const* c, arma::uword len,
                                       double* s) {
  double acc[G] = {};
  for (arma::uword i = 0; i < len; ++i) {
    const double t = xa[i] * xb[i];
    for (int g = 0; g < G; ++g) acc[g] += c[g][i] * t;
  }
  for (int g = 0; g < G; ++g) s[g] = acc[g];
}

// s_m = sum_i c_m[i] x_a[i] x_b[i] for `count` weight vectors, four at a time.
MOEST_HELPER void WeightedProductSumsAll(const double* xa, const double* xb, const double* const* c, std::size_t count,
                                         arma::uword len, double* s) {
  for (std::size_t first = 0; first < count; first += 4) {
    switch (std::min<std::size_t>(4, count - first)) {
      case 4: WeightedProductSums<4>(xa, xb, c + first, len, s + first); break;
      case 3: WeightedProductSums<3>(xa, xb, c + first, len, s + first); break;
      case 2: WeightedProductSums<2>(xa, xb, c + first, len, s + first); break;
      default: WeightedProductSums<1>(xa, xb, c + first, len, s + first); break;
    }
  }
}

// The Hessian's upper blocks, one per pair of non-reference components (j, l), 1 <= j <= l < K: the
// block is sum_i c_jl(i) x_i x_i' with c_jl = t_i g_ij (delta_jl - g_il). Set up once per pass, with a
// row of kBlock weights per pair.
struct HessianPairs {
  std::vector<std::pair<arma::uword, arma::uword>> blocks;
  std::vector<double> storage;
  std::vector<const double*> weights;
  explicit HessianPairs(arma::uword K) {
    for (arma::uword j = 1; j < K; ++j) {
      for (arma::uword l = j; l < K; ++l) blocks.emplace_back(j, l);
    }
    storage.resize(blocks.size() * kBlock);
    for (std::size_t m = 0; m < blocks.size(); ++m) weights.push_back(storage.data() + m * kBlock);
    sums.resize(blocks.size());
  }
  std::vector<double> sums;  // one entry (a, b) of every block
};

// The gradient and negative Hessian contributions of rows start..start+len-1, given their weights
// g (K rows of kBlock) and the responsibilities r. Accumulates into gradient and, when `pairs` is
// given, the upper triangle of negHessian: every entry (a, b) of every block in one pass over x_a, x_b.
MOEST_HELPER void AccumulateGradientHessian(const arma::mat& x, const arma::mat& r, arma::uword start, arma::uword len,
                                             const double (*g)[kBlock], HessianPairs* pairs, arma::mat& gradient,
                                             arma::mat* negHessian) {
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
  }
  if (pairs == nullptr || negHessian == nullptr) return;
  const auto& blocks = pairs->blocks;
  for (std::size_t m = 0; m < blocks.size(); ++m) {
    const auto [j, l] = blocks[m];
    double* c = pairs->storage.data() + m * kBlock;
    const double* gj = g[j];
    const double* gl = g[l];
    const double delta = j == l ? 1.0 : 0.0;
    for (arma::uword i = 0; i < len; ++i) c[i] = rowTotal[i] * gj[i] * (delta - gl[i]);
  }
  std::vector<double>& sums = pairs->sums;
  const double* const* c = pairs->weights.data();
  for (arma::uword a = 0; a < q; ++a) {
    const double* xa = x.colptr(a) + start;
    for (arma::uword b = a; b < q; ++b) {
      const double* xb = x.colptr(b) + start;
      WeightedProductSumsAll(xa, xb, c, blocks.size(), len, sums.data());
      for (std::size_t m = 0; m < blocks.size(); ++m) {
        const auto [j, l] = blocks[m];
        const arma::uword row = (j - 1) * q, col = (l - 1) * q;
        (*negHessian)(row + a, col + b) += sums[m];
        // An off-diagonal block is not symmetric as a matrix, but its (a, b) and (b, a) entries are
        // the same sum; a diagonal block needs its upper triangle only.
        if (j != l && a != b) (*negHessian)(row + b, col + a) += sums[m];
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
  const bool derivatives = gradient != nullptr && K > 1;
  const bool hessian = derivatives && negHessian != nullptr;
  if (derivatives) gradient->zeros(q, K - 1);
  if (hessian) negHessian->zeros(q * (K - 1), q * (K - 1));
  double stackWeights[kStackComponents][kBlock];
  std::vector<double> heapWeights(K > kStackComponents ? K * kBlock : 0);
  auto weights = reinterpret_cast<double(*)[kBlock]>(K > kStackComponents ? heapWeights.data() : &stackWeights[0][0]);
  HessianPairs pairs(hessian ? K : 1);
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
    if (derivatives) {
      AccumulateGradientHessian(x, r, start, len, weights, hessian ? &pairs : nullptr, *gradient, negHessian);
    }
  }
  if (hessian) *negHessian = arma::symmatu(*negHessian);
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
  HessianPairs pairs(K);
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    for (arma::uword k = 0; k < K; ++k) {
      const double* lp = logG.colptr(k) + start;
      for (arma::uword i = 0; i < len; ++i) weights[k][i] = std::exp(lp[i]);
    }
    AccumulateGradientHessian(x, r, start, len, weights, &pairs, gradient, &negHessian);
  }
  negHessian = arma::symmatu(negHessian);
}

MOEST_KERNEL void JointWeightedCrossProducts(const arma::mat& x, const arma::mat& w, const double* y, arma::cube& xtwx,
                                             arma::mat& xtwy, arma::vec& ytwy, arma::vec& totals) {
  const arma::uword n = x.n_rows;
  const arma::uword p = x.n_cols;
  const arma::uword K = w.n_cols;
  xtwx.zeros(p, p, K);
  xtwy.zeros(p, K);
  ytwy.zeros(K);
  totals.zeros(K);
  std::vector<const double*> c(K);
  std::vector<double> sums(K);
  for (arma::uword start = 0; start < n; start += kBlock) {
    const arma::uword len = std::min(kBlock, n - start);
    for (arma::uword k = 0; k < K; ++k) {
      c[k] = w.colptr(k) + start;
      double total = 0.0;
      for (arma::uword i = 0; i < len; ++i) total += c[k][i];
      totals[k] += total;
    }
    const double* yb = y + start;
    WeightedProductSumsAll(yb, yb, c.data(), K, len, sums.data());
    for (arma::uword k = 0; k < K; ++k) ytwy[k] += sums[k];
    for (arma::uword a = 0; a < p; ++a) {
      const double* xa = x.colptr(a) + start;
      WeightedProductSumsAll(xa, yb, c.data(), K, len, sums.data());
      for (arma::uword k = 0; k < K; ++k) xtwy(a, k) += sums[k];
      for (arma::uword b = a; b < p; ++b) {
        WeightedProductSumsAll(xa, x.colptr(b) + start, c.data(), K, len, sums.data());
        for (arma::uword k = 0; k < K; ++k) xtwx(a, b, k) += sums[k];
      }
    }
  }
  for (arma::uword k = 0; k < K; ++k) xtwx.slice(k) = arma::symmatu(xtwx.slice(k));
}

}  // namespace moest::kernels
