// Probit gate (Geweke & Keane 2007): latent utilities u_k = x'gamma_k + e_k with independent standard
// normal errors; component k is chosen when u_k is the largest.
// - K = 2: g_2(x) = Phi(x'(gamma_2 - gamma_1) / sqrt(2)), in closed form.
// - K > 2: g_k(x) = integral phi(t) prod_{j != k} Phi(t + eta_k - eta_j) dt with eta = x'gamma, by
//   M-point Gauss-Hermite quadrature (option nodes, default 20) in log space; the M weights are then
//   renormalised over k so each row sums to 1 exactly (the quadrature error is below 1e-6 for
//   |eta_k - eta_j| up to about 6 at the default; more nodes for sharper gates).
// Identification: gamma_1 = 0 and unit-variance independent errors (the scale of the utilities is
// fixed by the error variance, so gamma is on the latent-utility scale: for K = 2 a binary probit GLM's
// coefficients are gamma_2 / sqrt(2)). Correlated errors (GHK or Genz orthant probabilities) are not
// implemented.
// M-step: L-BFGS on the weighted objective with analytic gradients (solver/gate_optimizer.hpp).
#pragma once

#include "moest/gate/gate.hpp"
#include "moest/numerics/gauss_hermite.hpp"

namespace moest {

class ProbitGate : public Gate {
 public:
  /** A gate on `q` design columns for K components using `nodes` quadrature points when K > 2. */
  ProbitGate(arma::uword q, arma::uword K, arma::uword nodes = kDefaultNodes);

  static constexpr arma::uword kDefaultNodes = 20;

  const arma::mat& Coefficients() const { return gamma_; }  // q x K, first column 0

  std::string Family() const override { return "probit"; }
  arma::uword NumComponents() const override { return gamma_.n_cols; }
  void LogWeights(const Data& data, arma::mat& logG) const override;
  StepReport FitResponsibilities(const Data& data, const arma::mat& r) override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return gamma_.n_rows * (gamma_.n_cols - 1); }
  ParameterBlocks Blocks() const override { return {{"coefficients", gamma_}}; }
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<ProbitGate>(*this); }
  void SetInnerControl(int maxIterations, double tolerance) override;
  ComponentSpec Spec() const override;

 private:
  double Evaluate(const arma::mat& x, const arma::mat& c, arma::mat& logG, arma::vec* gradient) const;
  /** log g for K = 2 and dQ/deta (n x K) when `etaGradient` is given. */
  void Binary(const arma::mat& eta, const arma::mat& c, arma::mat& logG, arma::mat* etaGradient) const;
  /** The same for K > 2 by quadrature. */
  void Quadrature(const arma::mat& eta, const arma::mat& c, arma::mat& logG, arma::mat* etaGradient) const;

  arma::mat gamma_;
  numerics::GaussHermiteRule rule_;
  int maxIterations_ = 25;
  double tolerance_ = 1e-10;
};

}  // namespace moest
