// Robust Student-t regression expert: y = x'beta + sigma * e, e ~ t_nu (Chamroukhi's t mixture of
// experts). The M-step is ECM/ECME on the scale-mixture representation e | u ~ N(0, 1/u),
// u ~ Gamma(nu/2, nu/2).
#pragma once

#include "moest/expert/expert.hpp"

namespace moest {

class StudentTExpert : public Expert {
 public:
  /**
   * An expert on `p` design columns, starting at beta = 0, sigma = 1. With `estimateNu` the degrees of
   * freedom are a free parameter starting at `nu`; otherwise they stay fixed at `nu` (> 0).
   */
  StudentTExpert(arma::uword p, double nu, bool estimateNu);

  /** Variances sigma^2 are floored at `floor` (absolute) in FitWeighted. */
  void SetVarianceFloor(double floor) override { varianceFloor_ = floor; }

  const arma::vec& Coefficients() const { return beta_; }
  double Sigma() const { return sigma_; }
  double Nu() const { return nu_; }
  bool EstimatesNu() const { return estimateNu_; }

  std::string Family() const override { return "t"; }
  void LogDensity(const Data& data, arma::vec& out) const override;
  /**
   * Up to a few ECM cycles from the current parameters, each raising sum_i w_i log f(y_i | x_i):
   * latent scales u_i = (nu + 1) / (nu + z_i^2), weighted least squares with weights w_i u_i, the
   * scale sigma^2 = sum w u e^2 / sum w, then (if estimated) nu maximising the weighted
   * log-likelihood by root finding on its digamma score (kept only if it does not lower it).
   * On the first call (no parameters yet) it starts from the weighted Gaussian fit.
   */
  StepReport FitWeighted(const Data& data, const arma::vec& weights) override;
  /** x'beta (the mean when nu > 1; the location otherwise). */
  void Mean(const Data& data, arma::vec& out) const override;
  void Sample(const Data& data, Rng& rng, arma::mat& out) const override;
  /** [beta; log sigma] plus log nu when nu is estimated. */
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return beta_.n_elem + 1 + (estimateNu_ ? 1 : 0); }
  /** "coefficients", "sigma" and "nu". */
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Expert> Clone() const override { return std::make_unique<StudentTExpert>(*this); }
  /** "t(nu = estimate)" or "t(nu = <value>)". */
  ComponentSpec Spec() const override;

 private:
  double WeightedLogLikelihood(const arma::vec& z2, const arma::vec& w, double nu) const;

  arma::vec beta_;
  double sigma_ = 1.0;
  double nu_;
  bool estimateNu_;
  bool started_ = false;  // false until parameters were fitted or set
  double varianceFloor_ = 0.0;
};

/** Bounds of the estimated degrees of freedom (beyond the upper one the t is practically Gaussian). */
constexpr double kStudentTMinNu = 0.2;
constexpr double kStudentTMaxNu = 500.0;

}  // namespace moest
