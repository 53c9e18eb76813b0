#include "moest/gate/softmax.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/gate/softmax_newton.hpp"
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
  LastWeights& last = last_.value;
  if (last.acceptedTrial && last.design == data.xGate.memptr() && last.logWeights.n_rows == data.xGate.n_rows) {
    // The E-step right after an M-step on the same data: the Newton loop's accepted trial point holds
    // these log weights already (one gate pass, X w and a log-sum-exp over n x K, saved).
    logG = last.logWeights;
  } else {
    kernels::LinearLogSoftmax(data.xGate, w_, logG);
    last.logWeights = logG;
  }
  last.design = data.xGate.memptr();
  last.acceptedTrial = false;
}

StepReport SoftmaxGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  if (w_.n_cols == 1) return StepReport();
  const arma::mat& x = data.xGate;
  // The Newton loop starts from the E-step's log weights when they are still valid, in their own
  // buffer (an n x K copy less), and computes them there otherwise.
  arma::mat& logG = last_.value.logWeights;
  SoftmaxNewtonPoint start;
  if (last_.value.design == x.memptr() && !last_.value.acceptedTrial && logG.n_rows == x.n_rows) {
    start.objective = arma::accu(r % logG);
  } else {
    start.objective = kernels::SoftmaxEvaluate(x, w_, r, logG);
  }
  last_.value.design = nullptr;  // the coefficients change below
  kernels::SoftmaxGradientHessian(x, logG, r, start.gradient, start.negHessian);
  arma::mat& trialLogG = trialLogG_.value;
  arma::mat lastTrial;  // the coefficients trialLogG belongs to
  const auto isLastTrial = [&](const arma::mat& w) {
    return lastTrial.n_elem == w.n_elem && arma::approx_equal(lastTrial, w, "absdiff", 0.0);
  };
  const SoftmaxEvaluator evaluate = [&](const arma::mat& w, SoftmaxNeeds needs) {
    SoftmaxNewtonPoint point;
    const bool hessian = needs == SoftmaxNeeds::Hessian;
    if (hessian && isLastTrial(w)) {
      // The accepted trial: its log weights are at hand, so only the derivatives' pass is left.
      point.objective = arma::accu(r % trialLogG);
      kernels::SoftmaxGradientHessian(x, trialLogG, r, point.gradient, point.negHessian);
      return point;
    }
    point.objective = kernels::SoftmaxEvaluate(x, w, r, trialLogG,
                                               needs == SoftmaxNeeds::Objective ? nullptr : &point.gradient,
                                               hessian ? &point.negHessian : nullptr);
    lastTrial = w;
    return point;
  };
  StepReport report = FitNewton(std::move(start), evaluate);
  if (isLastTrial(w_)) {
    // The loop ended on its last trial point: keep its log weights for the next E-step on these data.
    last_.value.logWeights.swap(trialLogG);
    last_.value.design = x.memptr();
    last_.value.acceptedTrial = true;
  }
  return report;
}

StepReport SoftmaxGate::FitNewton(SoftmaxNewtonPoint start, const SoftmaxEvaluator& evaluate) {
  if (w_.n_cols == 1) return StepReport();
  last_.value.design = nullptr;
  return SoftmaxNewton(w_, std::move(start), evaluate, maxNewton_, newtonTolerance_, newtonSteps_);
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
