#include "moest/gate/probit.hpp"

#include <cmath>
#include <vector>

#include "moest/errors.hpp"
#include "moest/gate/logit_helpers.hpp"
#include "moest/numerics/normal_cdf.hpp"
#include "moest/solver/gate_optimizer.hpp"

namespace moest {

namespace {
constexpr double kSqrtTwo = 1.41421356237309504880;
}  // namespace

ProbitGate::ProbitGate(arma::uword q, arma::uword K, arma::uword nodes) : gamma_(q, K, arma::fill::zeros) {
  if (K < 1) throw InputError("K must be at least 1");
  if (q < 1) throw InputError("the gate design has no columns");
  if (nodes < 2) throw InputError("probit: option 'nodes' must be at least 2");
  rule_ = numerics::GaussHermite(nodes);
  // Substitute t = sqrt(2) s so that integral phi(t) f(t) dt = sum_m w_m / sqrt(pi) f(sqrt(2) s_m).
  rule_.nodes *= kSqrtTwo;
  rule_.weights /= std::sqrt(arma::datum::pi);
}

void ProbitGate::SetInnerControl(int maxIterations, double tolerance) {
  maxIterations_ = maxIterations;
  tolerance_ = tolerance;
}

ComponentSpec ProbitGate::Spec() const {
  ComponentSpec spec{"probit", {}};
  if (rule_.nodes.n_elem != kDefaultNodes) spec.options["nodes"] = std::to_string(rule_.nodes.n_elem);
  return spec;
}

void ProbitGate::Binary(const arma::mat& eta, const arma::mat& c, arma::mat& logG, arma::mat* etaGradient) const {
  const arma::uword n = eta.n_rows;
  logG.set_size(n, 2);
  if (etaGradient != nullptr) etaGradient->set_size(n, 2);
  for (arma::uword i = 0; i < n; ++i) {
    const double d = (eta(i, 1) - eta(i, 0)) / kSqrtTwo;
    logG(i, 1) = numerics::LogNormalCdf(d);
    logG(i, 0) = numerics::LogNormalCdf(-d);
    if (etaGradient != nullptr) {
      const double slope =
          (c(i, 1) * numerics::InverseMillsRatio(d) - c(i, 0) * numerics::InverseMillsRatio(-d)) / kSqrtTwo;
      (*etaGradient)(i, 1) = slope;
      (*etaGradient)(i, 0) = -slope;
    }
  }
}

void ProbitGate::Quadrature(const arma::mat& eta, const arma::mat& c, arma::mat& logG, arma::mat* etaGradient) const {
  const arma::uword n = eta.n_rows, K = eta.n_cols, M = rule_.nodes.n_elem;
  const arma::vec logWeights = arma::log(rule_.weights);
  logG.set_size(n, K);
  if (etaGradient != nullptr) etaGradient->zeros(n, K);
  std::vector<double> terms(M), logCdf(M * K), derivative(K * K);  // derivative(k, j) = d log g~_k / d eta_j
  for (arma::uword i = 0; i < n; ++i) {
    for (arma::uword k = 0; k < K; ++k) {
      // log of the integrand at each node: log w_m + sum_{j != k} log Phi(t_m + eta_k - eta_j).
      double top = -arma::datum::inf;
      for (arma::uword m = 0; m < M; ++m) {
        double term = logWeights[m];
        for (arma::uword j = 0; j < K; ++j) {
          if (j == k) continue;
          const double value = numerics::LogNormalCdf(rule_.nodes[m] + eta(i, k) - eta(i, j));
          logCdf[m * K + j] = value;
          term += value;
        }
        terms[m] = term;
        top = std::max(top, term);
      }
      double total = 0.0;
      for (arma::uword m = 0; m < M; ++m) total += std::exp(terms[m] - top);
      const double logIntegral = top + std::log(total);
      logG(i, k) = logIntegral;
      if (etaGradient == nullptr) continue;
      // d log g~_k / d eta_j = -sum_m p_m lambda(t_m + eta_k - eta_j) for j != k, p_m the node's share.
      double own = 0.0;
      for (arma::uword j = 0; j < K; ++j) {
        if (j == k) continue;
        double sum = 0.0;
        for (arma::uword m = 0; m < M; ++m) {
          const double argument = rule_.nodes[m] + eta(i, k) - eta(i, j);
          const double share = std::exp(terms[m] - logIntegral);
          sum += share * std::exp(numerics::LogNormalDensity(argument) - logCdf[m * K + j]);
        }
        derivative[k * K + j] = -sum;
        own += sum;
      }
      derivative[k * K + k] = own;
    }
    // Renormalise the row: log g_k = log g~_k - log sum_l g~_l.
    double top = logG(i, 0);
    for (arma::uword k = 1; k < K; ++k) top = std::max(top, logG(i, k));
    double total = 0.0;
    for (arma::uword k = 0; k < K; ++k) total += std::exp(logG(i, k) - top);
    const double lse = top + std::log(total);
    for (arma::uword k = 0; k < K; ++k) logG(i, k) -= lse;
    if (etaGradient == nullptr) continue;
    // dQ/deta_j = sum_k (c_k - g_k sum_l c_l) d log g~_k / d eta_j.
    double rowTotal = 0.0;
    for (arma::uword k = 0; k < K; ++k) rowTotal += c(i, k);
    for (arma::uword k = 0; k < K; ++k) {
      const double e = c(i, k) - std::exp(logG(i, k)) * rowTotal;
      if (e == 0.0) continue;
      for (arma::uword j = 0; j < K; ++j) (*etaGradient)(i, j) += e * derivative[k * K + j];
    }
  }
}

double ProbitGate::Evaluate(const arma::mat& x, const arma::mat& c, arma::mat& logG, arma::vec* gradient) const {
  const arma::uword K = gamma_.n_cols;
  if (K == 1) {
    logG.zeros(x.n_rows, 1);
    if (gradient != nullptr) gradient->reset();
    return 0.0;
  }
  const arma::mat eta = x * gamma_;
  arma::mat etaGradient;
  arma::mat* wanted = gradient != nullptr ? &etaGradient : nullptr;
  if (K == 2) {
    Binary(eta, c, logG, wanted);
  } else {
    Quadrature(eta, c, logG, wanted);
  }
  if (gradient != nullptr) *gradient = arma::vectorise(x.t() * etaGradient.cols(1, K - 1));
  return gates::WeightedSum(c, logG);
}

void ProbitGate::LogWeights(const Data& data, arma::mat& logG) const {
  const arma::mat none;
  Evaluate(data.xGate, none, logG, nullptr);
}

void ProbitGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  arma::mat logG;
  Evaluate(data.xGate, c, logG, &g);
}

StepReport ProbitGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  if (gamma_.n_cols == 1) return {};
  ProbitGate probe(*this);
  arma::mat logG;
  const GateObjective objective = [&](const arma::vec& theta, arma::vec* gradient) {
    probe.Unpack(theta);
    return probe.Evaluate(data.xGate, r, logG, gradient);
  };
  arma::vec theta = Pack();
  GateOptimizerOptions options;
  options.maxIterations = 4 * std::max(1, maxIterations_);
  options.tolerance = tolerance_;
  const StepReport report = MaximiseGateObjective(objective, theta, options, "probit gate");
  Unpack(theta);
  return report;
}

arma::vec ProbitGate::Pack() const {
  if (gamma_.n_cols == 1) return arma::vec();
  return arma::vectorise(gamma_.cols(1, gamma_.n_cols - 1));
}

void ProbitGate::Unpack(const arma::vec& theta) {
  if (gamma_.n_cols == 1) return;
  gamma_.cols(1, gamma_.n_cols - 1) = arma::reshape(theta, gamma_.n_rows, gamma_.n_cols - 1);
}

void ProbitGate::SetBlocks(const ParameterBlocks& blocks) {
  arma::mat gamma = FindBlock(blocks, "coefficients", gamma_.n_rows, gamma_.n_cols, "probit gate");
  // The choice depends only on utility differences: make component 1 the zero reference.
  gamma.each_col() -= gamma.col(0);
  gamma_ = gamma;
}

}  // namespace moest
