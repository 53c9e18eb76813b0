// Linear softmax gate: g_k(x) = exp(x'w_k) / sum_l exp(x'w_l), with w_1 = 0 (component 1 is the
// reference, as in flexmix). Covariate-free when the gate design is the intercept alone.
#pragma once

#include "moest/gate/gate.hpp"
#include "moest/gate/softmax_newton.hpp"
#include "moest/scratch.hpp"

namespace moest {

class SoftmaxGate : public Gate {
 public:
  /** A gate on `q` design columns for `K` components, starting at equal weights. */
  SoftmaxGate(arma::uword q, arma::uword K);

  /** Cap and relative tolerance of the Newton loop in FitResponsibilities. */
  void SetInnerControl(int maxIterations, double tolerance) override;
  void SetNewtonSteps(int steps) override { newtonSteps_ = steps; }

  /** The q x K coefficient matrix; its first column (the reference) is zero. */
  const arma::mat& Coefficients() const { return w_; }

  /**
   * The M-step's Newton loop from the current coefficients, at which the objective is `start`, with
   * the objective evaluated by `evaluate` (streaming EM passes over the chunks; FitResponsibilities
   * over the rows in memory).
   */
  StepReport FitNewton(SoftmaxNewtonPoint start, const SoftmaxEvaluator& evaluate);

  std::string Family() const override { return "softmax"; }
  arma::uword NumComponents() const override { return w_.n_cols; }
  void LogWeights(const Data& data, arma::mat& logG) const override;
  StepReport FitResponsibilities(const Data& data, const arma::mat& r) override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;  // invalidates the cached log-weights
  void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return w_.n_rows * (w_.n_cols - 1); }
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<SoftmaxGate>(*this); }

 private:
  arma::mat w_;
  // Workspace of the Newton loop's trial points, kept across M-steps to avoid n x K allocations.
  Scratch<arma::mat> trialLogG_;
  mutable Scratch<arma::mat> gradient_;  // GradLogWeights' n x K weights and residuals
  // The log weights at the current coefficients on the gate design `design` points to, from one of:
  //  - the last LogWeights call: the E-step has just computed what the M-step's Newton loop starts
  //    from;
  //  - the M-step's accepted Newton trial point (acceptedTrial): the next E-step on the same data
  //    takes them instead of recomputing them. Used once: the data must not change between the two
  //    (as in EM), which is why the M-step does not start from such weights.
  // Valid only while the coefficients are unchanged (every change sets design to null).
  struct LastWeights {
    arma::mat logWeights;
    const double* design = nullptr;
    bool acceptedTrial = false;
  };
  mutable Scratch<LastWeights> last_;
  int maxNewton_ = 25;
  double newtonTolerance_ = 1e-10;
  int newtonSteps_ = 0;  // 0: to the tolerance
};

}  // namespace moest
