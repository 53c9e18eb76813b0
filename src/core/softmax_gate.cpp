#include "moest/gate/softmax.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/model/model.hpp"

namespace moest {

namespace {

// sum_ik r_ik log g_ik over the cells with r_ik > 0 (so that log g = -inf where r = 0 is harmless);
// logG receives the log-softmax of x * w.
double GateObjective(const arma::mat& x, const arma::mat& w, const arma::mat& r, arma::mat& logG) {
  logG = x * w;
  NormaliseRows(logG);
  double q = 0.0;
  const double* rp = r.memptr();
  const double* lp = logG.memptr();
  for (arma::uword i = 0; i < r.n_elem; ++i) {
    if (rp[i] > 0.0) q += rp[i] * lp[i];
  }
  return q;
}

}  // namespace

SoftmaxGate::SoftmaxGate(arma::uword q, arma::uword K) : w_(q, K, arma::fill::zeros) {
  if (K < 1) throw InputError("K must be at least 1");
  if (q < 1) throw InputError("the gate design has no columns");
}

void SoftmaxGate::SetInnerControl(int maxIterations, double tolerance) {
  maxNewton_ = maxIterations;
  newtonTolerance_ = tolerance;
}

void SoftmaxGate::LogWeights(const Data& data, arma::mat& logG) const {
  logG = data.xGate * w_;
  NormaliseRows(logG);
}

StepReport SoftmaxGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  StepReport report;
  const arma::uword K = w_.n_cols;
  if (K == 1) return report;
  const arma::mat& x = data.xGate;
  const arma::uword q = x.n_cols;
  const arma::uword m = q * (K - 1);
  const arma::vec rowTotal = arma::sum(r, 1);

  arma::mat logG;
  arma::mat trialLogG;
  double objective = GateObjective(x, w_, r, logG);
  bool converged = false;
  for (int it = 0; it < maxNewton_; ++it) {
    const arma::mat g = arma::exp(logG);
    const arma::mat residual = r.cols(1, K - 1) - arma::mat(g.cols(1, K - 1)).each_col() % rowTotal;
    const arma::vec gradient = arma::vectorise(x.t() * residual);

    // Negative Hessian of the objective in the free coefficients (columns 2..K), block by block.
    arma::mat hessian(m, m);
    for (arma::uword j = 1; j < K; ++j) {
      for (arma::uword l = j; l < K; ++l) {
        arma::vec v = rowTotal % g.col(j) % ((j == l ? 1.0 : 0.0) - g.col(l));
        const arma::mat block = x.t() * (x.each_col() % v);
        hessian.submat((j - 1) * q, (l - 1) * q, j * q - 1, l * q - 1) = block;
        if (l != j) hessian.submat((l - 1) * q, (j - 1) * q, l * q - 1, j * q - 1) = block.t();
      }
    }
    arma::mat upper;
    double ridge = 0.0;
    const double scale = std::max(1e-300, arma::max(hessian.diag()));
    while (!arma::chol(upper, hessian + ridge * arma::eye(m, m))) {
      ridge = ridge == 0.0 ? 1e-10 * scale : ridge * 10.0;
      if (ridge > 1e6 * scale) break;
    }
    if (upper.n_rows != m) break;  // no usable curvature: keep the current coefficients
    const arma::vec direction =
        arma::solve(arma::trimatu(upper), arma::solve(arma::trimatl(upper.t()), gradient));

    // Step halving: accept the first step that does not decrease the objective.
    double step = 1.0;
    bool accepted = false;
    double trialObjective = objective;
    arma::mat trial;
    for (int halving = 0; halving < 40; ++halving) {
      trial = w_;
      trial.cols(1, K - 1) += step * arma::reshape(direction, q, K - 1);
      trialObjective = GateObjective(x, trial, r, trialLogG);
      if (std::isfinite(trialObjective) && trialObjective >= objective) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      converged = true;  // no ascent left at working precision
      break;
    }
    const double gain = trialObjective - objective;
    w_ = trial;
    logG.swap(trialLogG);
    objective = trialObjective;
    if (gain <= newtonTolerance_ * (std::abs(objective) + newtonTolerance_)) {
      converged = true;
      break;
    }
  }
  if (!converged && maxNewton_ > 0) {
    report.innerCapHit = true;
    report.note = "the gate's Newton loop stopped at its cap of " + std::to_string(maxNewton_) +
                  " iterations";
  }
  return report;
}

arma::vec SoftmaxGate::Pack() const {
  if (w_.n_cols == 1) return arma::vec();
  return arma::vectorise(w_.cols(1, w_.n_cols - 1));
}

void SoftmaxGate::Unpack(const arma::vec& theta) {
  if (w_.n_cols == 1) return;
  w_.cols(1, w_.n_cols - 1) = arma::reshape(theta, w_.n_rows, w_.n_cols - 1);
}

void SoftmaxGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  const arma::uword K = w_.n_cols;
  if (K == 1) {
    g.reset();
    return;
  }
  arma::mat logG;
  LogWeights(data, logG);
  const arma::mat weights = arma::exp(logG);
  const arma::vec rowTotal = arma::sum(c, 1);
  const arma::mat residual = c.cols(1, K - 1) - arma::mat(weights.cols(1, K - 1)).each_col() % rowTotal;
  g = arma::vectorise(data.xGate.t() * residual);
}

ParameterBlocks SoftmaxGate::Blocks() const { return {{"coefficients", w_}}; }

void SoftmaxGate::SetBlocks(const ParameterBlocks& blocks) {
  arma::mat w = FindBlock(blocks, "coefficients", w_.n_rows, w_.n_cols, "softmax gate");
  // Softmax weights are invariant to a common shift: make component 1 the zero reference.
  w.each_col() -= w.col(0);
  w_ = w;
}

}  // namespace moest
