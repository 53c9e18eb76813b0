// Laplace-density gate: h_k(x) = prod_j Laplace(x_j; m_kj, b_kj) = prod_j exp(-|x_j - m_kj| / b_kj) / (2 b_kj).
// Spec: laplace_density (no options). M-step in closed form: pi_k = mean_i r_ik, m_kj the r-weighted
// median of x_j, b_kj the r-weighted mean absolute deviation from it (floored at 1e-4 times the
// column's standard deviation; reported when it binds).
// Blocks: "pi" (1 x K), "location" (q' x K), "scale" (q' x K). Packing: pi log-ratios, locations,
// log scales.
#pragma once

#include "moest/gate/density.hpp"

namespace moest {

/** The weighted median of `values` with non-negative `weights` (sum > 0): the smallest v with at
 * least half the weight at or below it, averaged with the next value when the split is exact. */
double WeightedMedian(const arma::vec& values, const arma::vec& weights);

class LaplaceDensityGate : public DensityGate {
 public:
  /** `q` gate-design columns (intercept first), K components; unit scales at zero locations. */
  LaplaceDensityGate(arma::uword q, arma::uword K);

  const arma::mat& Locations() const { return location_; }
  const arma::mat& Scales() const { return scale_; }

  std::string Family() const override { return "laplace_density"; }
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<LaplaceDensityGate>(*this); }

 protected:
  void LogDensities(const arma::mat& x, arma::mat& out) const override;
  StepReport FitDensities(const arma::mat& x, const arma::mat& r) override;
  arma::vec PackDensities() const override;
  void UnpackDensities(const arma::vec& theta) override;
  void GradDensities(const arma::mat& x, const arma::mat& w, arma::vec& g) const override;
  arma::uword NumDensityParameters() const override { return 2 * location_.n_elem; }
  ParameterBlocks DensityBlocks() const override;
  void SetDensityBlocks(const ParameterBlocks& blocks) override;

 private:
  arma::mat location_;  // q' x K
  arma::mat scale_;     // q' x K
};

}  // namespace moest
