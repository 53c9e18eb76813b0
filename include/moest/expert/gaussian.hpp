// Gaussian linear-regression expert: y ~ N(x'beta, sigma^2).
#pragma once

#include "moest/expert/expert.hpp"
#include "moest/scratch.hpp"

namespace moest {

class GaussianExpert : public Expert {
 public:
  /** An expert on `p` design columns, starting at beta = 0, sigma = 1. */
  explicit GaussianExpert(arma::uword p);

  /** Variances are floored at `floor` (an absolute variance) in FitWeighted. */
  void SetVarianceFloor(double floor) override { varianceFloor_ = floor; }

  const arma::vec& Coefficients() const { return beta_; }
  double Sigma() const { return sigma_; }

  std::string Family() const override { return "gaussian"; }
  void LogDensity(const Data& data, arma::vec& out) const override;
  StepReport FitWeighted(const Data& data, const arma::vec& weights) override;
  void Mean(const Data& data, arma::vec& out) const override;
  void Sample(const Data& data, Rng& rng, arma::mat& out) const override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return beta_.n_elem + 1; }
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Expert> Clone() const override { return std::make_unique<GaussianExpert>(*this); }

 private:
  arma::vec beta_;
  double sigma_ = 1.0;
  double varianceFloor_ = 0.0;
  struct GradientBuffers {
    arma::vec resid, weighted;
  };
  mutable Scratch<GradientBuffers> gradient_;  // GradLogDensity's n-vectors, kept between calls
};

}  // namespace moest
