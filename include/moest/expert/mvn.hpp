// Multivariate Gaussian regression expert: a d-dimensional response y ~ N_d(B'x, S) with a full
// covariance S = L L' (L lower triangular with a positive diagonal). Combined with the Gaussian-density
// gate it is the locally linear mapping of GLLiM (the cluster-weighted model).
#pragma once

#include "moest/expert/expert.hpp"

namespace moest {

class MvnExpert : public Expert {
 public:
  /** An expert on `p` design columns and a response of `dimension` >= 1 columns, at B = 0, S = I. */
  MvnExpert(arma::uword p, arma::uword dimension);

  /** Eigenvalues of S (on the correlation scale of each column's floor) are raised to `floor`. */
  void SetVarianceFloor(double floor) override { varianceFloor_ = floor; }

  /** p x d: column j holds the coefficients of response column j. */
  const arma::mat& Coefficients() const { return beta_; }
  /** The d x d covariance S. */
  arma::mat Covariance() const { return factor_ * factor_.t(); }
  /** The n x d means X B. */
  void ResponseMeans(const Data& data, arma::mat& out) const override;

  std::string Family() const override { return "mvn"; }
  arma::uword ResponseColumns() const override { return beta_.n_cols; }
  void LogDensity(const Data& data, arma::vec& out) const override;
  /** Weighted multivariate least squares (one Cholesky solve for all d columns), weighted covariance. */
  StepReport FitWeighted(const Data& data, const arma::vec& weights) override;
  /** The mean of the first response column (ResponseMeans gives all of them). */
  void Mean(const Data& data, arma::vec& out) const override;
  void Sample(const Data& data, Rng& rng, arma::mat& out) const override;
  /** vec(B), then the factor L as scale_factor::Pack (log diagonal, then the strictly lower entries). */
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const override;
  /** p d + d (d + 1) / 2. */
  arma::uword NumParameters() const override;
  /** "coefficients" (p x d) and "covariance" (d x d). */
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Expert> Clone() const override { return std::make_unique<MvnExpert>(*this); }
  /** "mvn(dimension = d)". */
  ComponentSpec Spec() const override;

 private:
  /** Rows L^{-1}(y_i - B'x_i): the whitened residuals. */
  arma::mat WhitenedResiduals(const Data& data) const;

  arma::mat beta_;
  arma::mat factor_;
  double varianceFloor_ = 0.0;
};

}  // namespace moest
