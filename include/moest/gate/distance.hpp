// Distance gates: softmax of logits built from the distance between the covariates and a centre per
// component.
//   laplace          logit_k(x) = -||z - c_k||   + b_k   (FuseMoE, Han et al. 2024)
//   gaussian_kernel  logit_k(x) = -||z - c_k||^2 + b_k
// z is the gate design without its intercept: the first gate-design column must be the intercept (a
// column of ones, as formula designs give it), and b_k plays the intercept's role; at least one
// covariate is needed. The distance is Euclidean in the covariates' own units (no scale parameter).
// Identification: b_1 = 0. For laplace every centre is free (the plain distance is not invariant to a
// common shift). For gaussian_kernel, -||z - c_k||^2 = -||z||^2 + 2 z'c_k - ||c_k||^2 and the ||z||^2
// cancels in the softmax, so the centres are identified only up to a common shift: c_1 = 0 as well (the
// gate is then a reparametrised linear softmax: slopes 2 c_k, intercepts b_k - ||c_k||^2).
// M-step: L-BFGS on the weighted objective with the analytic gradient (solver/gate_optimizer.hpp); at
// z = c_k, where the Laplace logit is not differentiable, the gradient uses the subgradient 0.
#pragma once

#include "moest/gate/gate.hpp"

namespace moest {

class DistanceGate : public Gate {
 public:
  enum class Kind { Laplace, GaussianKernel };

  /** A gate on `q` design columns (intercept first) for K components; centres spread on a small grid. */
  DistanceGate(Kind kind, arma::uword q, arma::uword K);

  const arma::mat& Centres() const { return centres_; }  // p x K
  const arma::rowvec& Bias() const { return bias_; }     // 1 x K, first entry 0

  std::string Family() const override { return kind_ == Kind::Laplace ? "laplace" : "gaussian_kernel"; }
  arma::uword NumComponents() const override { return bias_.n_elem; }
  void LogWeights(const Data& data, arma::mat& logG) const override;
  StepReport FitResponsibilities(const Data& data, const arma::mat& r) override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  arma::uword NumParameters() const override;
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<DistanceGate>(*this); }
  void SetInnerControl(int maxIterations, double tolerance) override;

 private:
  /** The covariates z (the design without its intercept); InputError when there is no intercept. */
  arma::mat Covariates(const arma::mat& x) const;
  double Evaluate(const arma::mat& z, const arma::mat& c, arma::mat& logG, arma::vec* gradient) const;
  /** The first centre that Pack() carries (0 for laplace, 1 for gaussian_kernel). */
  arma::uword FirstFreeCentre() const { return kind_ == Kind::Laplace ? 0 : 1; }

  Kind kind_;
  arma::mat centres_;
  arma::rowvec bias_;
  int maxIterations_ = 25;
  double tolerance_ = 1e-10;
};

}  // namespace moest
