// The common part of the density gates (Gaussian, Student-t and Laplace densities of x):
// g_k(x) = pi_k h_k(x) / sum_l pi_l h_l(x), fitted on the joint likelihood p(x, y).
//
// The density is over the gate design's covariate columns: the first column must be the intercept (all
// ones) and is skipped, so a gate design with q columns gives densities on q' = q - 1 dimensions. An
// intercept-only gate design (q = 1) is an InputError, as is a constant covariate.
//
// Packing: the K - 1 log-ratios log(pi_k / pi_1), k = 2..K (component 1 is the reference), then the
// family's density parameters. Blocks: "pi" (1 x K), then the family's blocks.
#pragma once

#include "moest/gate/gate.hpp"

namespace moest {

/**
 * A density family must provide:
 * - LogDensities(): out(i, k) = log h_k(x_i) on the covariate columns x (n x q');
 * - FitDensities(): the M-step of the density parameters given responsibilities r (maximising
 *   sum_ik r_ik log h_k(x_i), or not decreasing it for ECM steps);
 * - PackDensities()/UnpackDensities()/NumDensityParameters();
 * - GradDensities(): g = sum_ik W(i, k) d log h_k(x_i) / d PackDensities();
 * - DensityBlocks()/SetDensityBlocks(); plus Family(), Clone() and Spec() of Gate.
 */
class DensityGate : public Gate {
 public:
  /** `q` gate-design columns (intercept first), K components, equal weights. */
  DensityGate(arma::uword q, arma::uword K);

  /** The mixing weights pi (1 x K). */
  const arma::rowvec& Pi() const { return pi_; }
  /** Dimension q' of the modelled covariates. */
  arma::uword Dimension() const { return dimension_; }

  arma::uword NumComponents() const override { return pi_.n_elem; }
  bool IsJoint() const override { return true; }
  void LogJointWeights(const Data& data, arma::mat& out) const override;
  void LogWeights(const Data& data, arma::mat& logG) const override;
  StepReport FitResponsibilities(const Data& data, const arma::mat& r) override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  /**
   * The gradient of the joint objective sum_ik c_ik log(pi_k h_k(x_i)), which EM's M-step maximises
   * (and direct maximisation of the joint likelihood would need).
   */
  void GradLogJointWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return pi_.n_elem - 1 + NumDensityParameters(); }
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;

 protected:
  virtual void LogDensities(const arma::mat& x, arma::mat& out) const = 0;
  virtual StepReport FitDensities(const arma::mat& x, const arma::mat& r) = 0;
  virtual arma::vec PackDensities() const = 0;
  virtual void UnpackDensities(const arma::vec& theta) = 0;
  virtual void GradDensities(const arma::mat& x, const arma::mat& w, arma::vec& g) const = 0;
  virtual arma::uword NumDensityParameters() const = 0;
  virtual ParameterBlocks DensityBlocks() const = 0;
  virtual void SetDensityBlocks(const ParameterBlocks& blocks) = 0;

  /** The covariate columns of the gate design (InputError unless the first column is all ones). */
  arma::mat Covariates(const Data& data) const;
  /** Per-column variances of x times a small relative factor: the floor of scale estimates. */
  static arma::vec ScaleFloor(const arma::mat& x);
  /** pi = totals / sum(totals); a component without weight is reported singular (pi held at 1e-300). */
  StepReport SetMixingWeights(const arma::rowvec& totals);

 private:
  void GradFromJointWeights(const arma::mat& x, const arma::mat& w, arma::vec& g) const;
  arma::rowvec pi_;
  arma::uword dimension_;
};

}  // namespace moest
