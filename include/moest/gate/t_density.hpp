// Student-t-density gate (the t cluster-weighted model, Ingrassia, Minotti & Vittadini 2012):
// h_k = t_q'(x; m_k, S_k, nu_k) with a full scatter matrix S_k.
// Spec: t_density(nu = estimate|<number>, nu_shared = true|false); nu is estimated by default, per
// component unless nu_shared = true; a number fixes nu (> 0) for every component.
// M-step (ECME): latent scales u_ik = (nu_k + q') / (nu_k + delta_ik) at the current parameters, then
// m_k and S_k from weights r_ik u_ik (S_k divided by sum_i r_ik), then nu maximising the weighted t
// log-likelihood itself at the new m_k, S_k (Brent's method from Boost.Math on log nu, nu kept in
// [0.01, 1000]); near-Gaussian data send nu to its cap in one step instead of creeping towards it.
// Blocks: "pi" (1 x K), "location" (q' x K), "scatter.k" (q' x q'), "nu" (1 x K, equal when shared).
// Packing: pi log-ratios, locations, log-Cholesky factors, then log nu (K values, 1 when shared, none
// when fixed).
#pragma once

#include "moest/gate/density.hpp"

namespace moest {

class TDensityGate : public DensityGate {
 public:
  /** Degrees of freedom: estimated per component, estimated shared, or fixed. */
  enum class Nu { PerComponent, Shared, Fixed };
  /** `q` gate-design columns (intercept first), K components; nu starts at `nu` (> 0). */
  TDensityGate(arma::uword q, arma::uword K, Nu mode, double nu);

  const arma::mat& Locations() const { return location_; }
  const arma::mat& Scatter(arma::uword k) const { return scatter_.slice(k); }
  const arma::rowvec& DegreesOfFreedom() const { return nu_; }

  std::string Family() const override { return "t_density"; }
  ComponentSpec Spec() const override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<TDensityGate>(*this); }

 protected:
  void LogDensities(const arma::mat& x, arma::mat& out) const override;
  StepReport FitDensities(const arma::mat& x, const arma::mat& r) override;
  arma::vec PackDensities() const override;
  void UnpackDensities(const arma::vec& theta) override;
  void GradDensities(const arma::mat& x, const arma::mat& w, arma::vec& g) const override;
  arma::uword NumDensityParameters() const override;
  ParameterBlocks DensityBlocks() const override;
  void SetDensityBlocks(const ParameterBlocks& blocks) override;

 private:
  arma::uword NumNu() const;
  Nu mode_;
  arma::mat location_;  // q' x K
  arma::cube factor_;   // lower Cholesky factors of the scatter matrices
  arma::cube scatter_;  // the scatter matrices as set (model files round-trip to the last digit)
  arma::rowvec nu_;     // 1 x K
};

}  // namespace moest
