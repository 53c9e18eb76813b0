#include "moest/gate/softmax.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/model/kernels.hpp"
#include "moest/model/model.hpp"

namespace moest {

SoftmaxGate::SoftmaxGate(arma::uword q, arma::uword K) : w_(q, K, arma::fill::zeros) {
  if (K < 1) throw InputError("K must be at least 1");
  if (q < 1) throw InputError("the gate design has no columns");
}

void SoftmaxGate::SetInnerControl(int maxIterations, double tolerance) {
  maxNewton_ = maxIterations;
  newtonTolerance_ = tolerance;
}

void SoftmaxGate::LogWeights(const Data& data, arma::mat& logG) const {
  kernels::LinearLogSoftmax(data.xGate, w_, logG);
  last_.value.logWeights = logG;
  last_.value.design = data.xGate.memptr();
}

StepReport SoftmaxGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  StepReport report;
  const arma::uword K = w_.n_cols;
  if (K == 1) return report;
  const arma::mat& x = data.xGate;
  const arma::uword q = x.n_cols;
  const arma::uword m = q * (K - 1);

  arma::mat& logG = logG_.value;
  arma::mat& trialLogG = trialLogG_.value;
  arma::mat gradient, hessian, upper, trial;
  double objective = 0.0;
  if (last_.value.design == x.memptr() && last_.value.logWeights.n_rows == x.n_rows) {
    logG.swap(last_.value.logWeights);
    objective = arma::accu(r % logG);
  } else {
    objective = kernels::SoftmaxEvaluate(x, w_, r, logG);
  }
  last_.value.design = nullptr;  // the coefficients change below
  kernels::SoftmaxGradientHessian(x, logG, r, gradient, hessian);
  arma::mat trialGradient, trialHessian;
  bool converged = false;
  for (int it = 0; it < maxNewton_; ++it) {
    double ridge = 0.0;
    const double scale = std::max(1e-300, arma::max(hessian.diag()));
    bool factored = false;
    while (!(factored = arma::chol(upper, hessian + ridge * arma::eye(m, m))) && ridge <= 1e6 * scale) {
      ridge = ridge == 0.0 ? 1e-10 * scale : ridge * 10.0;
    }
    if (!factored) break;  // no usable curvature: keep the current coefficients
    const arma::vec g = arma::vectorise(gradient);
    const arma::vec direction = arma::solve(arma::trimatu(upper), arma::solve(arma::trimatl(upper.t()), g));
    // The Newton decrement g'H^-1 g / 2 predicts the gain of a full step. When it is negligible the
    // step is taken without a line search (no pass over the data) and the loop ends.
    const double tolerance = newtonTolerance_ * (std::abs(objective) + 1.0);
    if (0.5 * arma::dot(g, direction) <= tolerance) {
      w_.cols(1, K - 1) += arma::reshape(direction, q, K - 1);
      converged = true;
      break;
    }
    // Step halving: accept the first step that does not decrease the objective.
    double step = 1.0;
    bool accepted = false;
    double trialObjective = objective;
    for (int halving = 0; halving < 40; ++halving) {
      trial = w_;
      trial.cols(1, K - 1) += step * arma::reshape(direction, q, K - 1);
      // The trial's derivatives come from the same pass: an accepted step needs them next.
      trialObjective = kernels::SoftmaxEvaluate(x, trial, r, trialLogG, &trialGradient, &trialHessian);
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
    w_.swap(trial);
    logG.swap(trialLogG);
    gradient.swap(trialGradient);
    hessian.swap(trialHessian);
    objective = trialObjective;
    // Newton converges quadratically: after a step that gained this little, the next would gain
    // (much) less than the tolerance, so its gradient pass is not worth making.
    if (gain <= tolerance) {
      converged = true;
      break;
    }
  }
  if (!converged && maxNewton_ > 0) {
    report.innerCapHit = true;
    report.note = "the gate's Newton loop stopped at its cap of " + std::to_string(maxNewton_) + " iterations";
  }
  return report;
}

arma::vec SoftmaxGate::Pack() const {
  if (w_.n_cols == 1) return arma::vec();
  return arma::vectorise(w_.cols(1, w_.n_cols - 1));
}

void SoftmaxGate::Unpack(const arma::vec& theta) {
  last_.value.design = nullptr;
  if (w_.n_cols == 1) return;
  w_.cols(1, w_.n_cols - 1) = arma::reshape(theta, w_.n_rows, w_.n_cols - 1);
}

void SoftmaxGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  const arma::uword K = w_.n_cols;
  if (K == 1) {
    g.reset();
    return;
  }
  // d/dw_k sum_i sum_l c_il log g_l(x_i) = sum_i x_i (c_ik - g_ik sum_l c_il), k >= 2. The n x K
  // buffer is kept between calls: the information matrices call this once per difference column.
  arma::mat& residual = gradient_.value;
  kernels::LinearLogSoftmax(data.xGate, w_, residual);
  const arma::uword n = residual.n_rows;
  kernels::Exp(residual.memptr(), residual.n_elem, residual.memptr());
  for (arma::uword i = 0; i < n; ++i) {
    double total = 0.0;
    for (arma::uword k = 0; k < K; ++k) total += c(i, k);
    for (arma::uword k = 1; k < K; ++k) residual(i, k) = c(i, k) - residual(i, k) * total;
  }
  const arma::mat moving(residual.colptr(1), n, K - 1, false, true);  // a view, no copy
  g = arma::vectorise(data.xGate.t() * moving);
}

ParameterBlocks SoftmaxGate::Blocks() const { return {{"coefficients", w_}}; }

void SoftmaxGate::SetBlocks(const ParameterBlocks& blocks) {
  arma::mat w = FindBlock(blocks, "coefficients", w_.n_rows, w_.n_cols, "softmax gate");
  // Softmax weights are invariant to a common shift: make component 1 the zero reference.
  w.each_col() -= w.col(0);
  w_ = w;
  last_.value.design = nullptr;
}

}  // namespace moest
