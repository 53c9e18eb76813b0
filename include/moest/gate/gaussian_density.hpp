// Gaussian-density gate (Xu, Jordan & Hinton 1994; the cluster-weighted model): h_k = N(x; m_k, S_k)
// with full or diagonal S_k. Spec: gaussian_density(covariance = full|diagonal), full by default.
// M-step in closed form: pi_k = mean_i r_ik, m_k and S_k the r-weighted mean and covariance (a floor of
// 1e-8 times each column's variance keeps S_k positive definite; reported when it binds).
// Blocks: "pi" (1 x K), "mean" (q' x K), then "covariance.k" (q' x q', k = 1..K) when full or
// "variance" (q' x K) when diagonal. Packing: pi log-ratios, means, log-Cholesky factors.
#pragma once

#include "moest/gate/density.hpp"

namespace moest {

class GaussianDensityGate : public DensityGate {
 public:
  /** `q` gate-design columns (intercept first), K components; unit covariances at zero means. */
  GaussianDensityGate(arma::uword q, arma::uword K, bool diagonal);

  const arma::mat& Means() const { return mean_; }
  /** S_k (as set, or L_k L_k' after a fit or Unpack). */
  const arma::mat& Covariance(arma::uword k) const { return covariance_.slice(k); }

  /**
   * The M-step from weighted moments (streaming EM accumulates them over chunks): the total weight of
   * each component, the weighted means (q' x K), the weighted scatters about those means divided by
   * the totals, and the covariance floor (DensityGate::ScaleFloor of the whole data).
   */
  StepReport FitMoments(const arma::rowvec& totals, const arma::mat& means, const arma::cube& scatters,
                        const arma::vec& floor);
  bool Diagonal() const { return diagonal_; }

  std::string Family() const override { return "gaussian_density"; }
  ComponentSpec Spec() const override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<GaussianDensityGate>(*this); }

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
  void SetComponent(arma::uword k, const arma::vec& mean, const arma::mat& L, bool floorBound, StepReport& report);

  bool diagonal_;
  arma::mat mean_;     // q' x K
  arma::cube factor_;  // lower Cholesky factors, q' x q' x K
  // The covariances themselves, kept as set so that model files read back and written again are
  // identical to the last digit (L L' may differ from S in it).
  arma::cube covariance_;
};

}  // namespace moest
