#include "moest/gate/softmax_variants.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <vector>

#include "moest/errors.hpp"
#include "moest/gate/logit_helpers.hpp"
#include "moest/solver/gate_optimizer.hpp"

namespace moest {

SoftmaxVariantGate::Options SoftmaxVariantGate::ParseOptions(const ComponentSpec& spec, arma::uword K) {
  Options options;
  options.temperature = spec.Number("temperature", 1.0);
  if (!(options.temperature > 0.0)) {
    throw InputError("softmax: option 'temperature' must be positive, not '" + spec.Text("temperature", "") + "'");
  }
  const long topK = spec.Integer("top_k", static_cast<long>(K), 1);
  if (topK > static_cast<long>(K)) {
    throw InputError("softmax: option 'top_k' is " + std::to_string(topK) + " but there are only " +
                     std::to_string(K) + " components (top_k must be 1..K)");
  }
  options.topK = static_cast<arma::uword>(topK);
  const std::string bias = spec.Text("top_k_bias", "before");
  if (bias == "before") {
    options.topKBias = BiasPlacement::Before;
  } else if (bias == "after") {
    options.topKBias = BiasPlacement::After;
  } else {
    throw InputError("softmax: option 'top_k_bias' must be 'before' or 'after', not '" + bias + "'");
  }
  const std::string transform = spec.Text("transform", "none");
  if (transform == "none") {
    options.transform = Transform::None;
  } else if (transform == "tanh") {
    options.transform = Transform::Tanh;
  } else if (transform == "sigmoid") {
    options.transform = Transform::Sigmoid;
  } else {
    throw InputError("softmax: unknown transform '" + transform + "' (known: none, tanh, sigmoid)");
  }
  return options;
}

SoftmaxVariantGate::SoftmaxVariantGate(arma::uword q, arma::uword K, const Options& options)
    : w_(q, K, arma::fill::zeros), options_(options) {
  if (K < 1) throw InputError("K must be at least 1");
  if (q < 1) throw InputError("the gate design has no columns");
  if (!(options_.temperature > 0.0)) throw InputError("softmax: the temperature must be positive");
  if (options_.topK == 0) options_.topK = K;
  if (options_.topK > K) throw InputError("softmax: top_k must be at most K = " + std::to_string(K));
}

void SoftmaxVariantGate::SetInnerControl(int maxIterations, double tolerance) {
  maxIterations_ = maxIterations;
  tolerance_ = tolerance;
}

ComponentSpec SoftmaxVariantGate::Spec() const {
  ComponentSpec spec{"softmax", {}};
  if (options_.temperature != 1.0) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", options_.temperature);
    spec.options["temperature"] = buffer;
  }
  if (options_.topK != w_.n_cols) {
    spec.options["top_k"] = std::to_string(options_.topK);
    spec.options["top_k_bias"] = options_.topKBias == BiasPlacement::Before ? "before" : "after";
  }
  if (options_.transform == Transform::Tanh) spec.options["transform"] = "tanh";
  if (options_.transform == Transform::Sigmoid) spec.options["transform"] = "sigmoid";
  return spec;
}

arma::mat SoftmaxVariantGate::Transformed(const arma::mat& x) const {
  if (options_.transform == Transform::None) return x;
  arma::mat z = x;
  const arma::uword first = gates::FirstColumnIsIntercept(x) ? 1 : 0;
  for (arma::uword j = first; j < z.n_cols; ++j) {
    if (options_.transform == Transform::Tanh) {
      z.col(j) = arma::tanh(z.col(j));
    } else {
      z.col(j) = 1.0 / (1.0 + arma::exp(-z.col(j)));
    }
  }
  return z;
}

double SoftmaxVariantGate::Evaluate(const arma::mat& z, bool intercept, const arma::mat& c, arma::mat& logG,
                                    arma::vec* gradient) const {
  const arma::uword n = z.n_rows, K = w_.n_cols;
  const double inverseTemperature = 1.0 / options_.temperature;
  logG = z * w_;
  if (options_.temperature != 1.0) logG *= inverseTemperature;
  const bool sparse = options_.topK < K;
  arma::mat kept;  // 1 where a component is among the row's top_k, else 0
  if (sparse) {
    // Rank each row's scores: the logits, without the intercept's term when the bias enters after.
    arma::mat score = logG;
    if (options_.topKBias == BiasPlacement::After && intercept) {
      score -= arma::repmat(w_.row(0) * inverseTemperature, n, 1);
    }
    kept.zeros(n, K);
    std::vector<arma::uword> order(K);
    for (arma::uword i = 0; i < n; ++i) {
      std::iota(order.begin(), order.end(), 0);
      // Ties go to the lower component index, so the selection is deterministic.
      std::partial_sort(order.begin(), order.begin() + options_.topK, order.end(), [&](arma::uword a, arma::uword b) {
        return score(i, a) > score(i, b) || (score(i, a) == score(i, b) && a < b);
      });
      for (arma::uword s = 0; s < options_.topK; ++s) kept(i, order[s]) = 1.0;
    }
    for (arma::uword j = 0; j < logG.n_elem; ++j) {
      if (kept[j] == 0.0) logG[j] = -arma::datum::inf;
    }
  }
  gates::LogSoftmaxRows(logG);
  if (sparse) logG.elem(arma::find(kept == 0.0)).fill(kZeroLogWeight);
  if (gradient != nullptr) {
    arma::mat d = gates::SoftmaxLogitGradient(logG, sparse ? arma::mat(c % kept) : c);
    if (sparse) d %= kept;  // a left-out component's weight is constant in w
    if (K == 1) {
      gradient->reset();
    } else {
      *gradient = arma::vectorise(z.t() * d.cols(1, K - 1)) * inverseTemperature;
    }
  }
  return gates::WeightedSum(c, logG);
}

void SoftmaxVariantGate::LogWeights(const Data& data, arma::mat& logG) const {
  const arma::mat z = Transformed(data.xGate);
  const arma::mat none;
  Evaluate(z, gates::FirstColumnIsIntercept(data.xGate), none, logG, nullptr);
}

void SoftmaxVariantGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  const arma::mat z = Transformed(data.xGate);
  arma::mat logG;
  Evaluate(z, gates::FirstColumnIsIntercept(data.xGate), c, logG, &g);
}

StepReport SoftmaxVariantGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  if (w_.n_cols == 1) return {};
  const arma::mat z = Transformed(data.xGate);
  const bool intercept = gates::FirstColumnIsIntercept(data.xGate);
  SoftmaxVariantGate probe(*this);
  arma::mat logG;
  const GateObjective objective = [&](const arma::vec& theta, arma::vec* gradient) {
    probe.Unpack(theta);
    return probe.Evaluate(z, intercept, r, logG, gradient);
  };
  arma::vec theta = Pack();
  GateOptimizerOptions options;
  options.maxIterations = 4 * std::max(1, maxIterations_);
  options.tolerance = tolerance_;
  const StepReport report = MaximiseGateObjective(objective, theta, options, "softmax gate");
  Unpack(theta);
  return report;
}

arma::vec SoftmaxVariantGate::Pack() const {
  if (w_.n_cols == 1) return arma::vec();
  return arma::vectorise(w_.cols(1, w_.n_cols - 1));
}

void SoftmaxVariantGate::Unpack(const arma::vec& theta) {
  if (w_.n_cols == 1) return;
  w_.cols(1, w_.n_cols - 1) = arma::reshape(theta, w_.n_rows, w_.n_cols - 1);
}

void SoftmaxVariantGate::SetBlocks(const ParameterBlocks& blocks) {
  arma::mat w = FindBlock(blocks, "coefficients", w_.n_rows, w_.n_cols, "softmax gate");
  w.each_col() -= w.col(0);
  w_ = w;
}

}  // namespace moest
