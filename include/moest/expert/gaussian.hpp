// Gaussian linear-regression expert: y ~ N(x'beta, sigma^2).
#pragma once

#include <functional>
#include <vector>

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
  /**
   * The M-step from the weighted cross products X'WX and X'Wy, the total weight and the number of
   * rows n; `weightedRss(beta)` gives sum_i w_i (y_i - x_i'beta)^2 at the new coefficients. Streaming
   * EM accumulates these over chunks; FitWeighted forms them from the rows in memory.
   */
  StepReport FitCrossProducts(const arma::mat& xtwx, const arma::vec& xtwy, double total, arma::uword n,
                              const std::function<double(const arma::vec&)>& weightedRss);
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

class Model;

/**
 * The M-step of every expert of `model` at once when they are all Gaussian on a one-column response:
 * their K weighted cross products come from one pass over the rows (JointWeightedCrossProducts), then
 * each expert solves its own normal equations as FitWeighted would. `reports` receives one report per
 * expert. Returns false, changing nothing, for any other model.
 */
bool FitGaussianExpertsJointly(Model& model, const Data& data, const arma::mat& r, std::vector<StepReport>& reports);

}  // namespace moest
