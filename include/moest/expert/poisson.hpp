// Poisson regression expert with log link: y ~ Poisson(exp(x'beta + offset)) (Jiang and Tanner's
// exponential-family mixture of experts). The offset is Data::offset (usually log exposure), zero
// when the data carry none; it is data, not a parameter.
#pragma once

#include "moest/expert/expert.hpp"

namespace moest {

class PoissonExpert : public Expert {
 public:
  /** An expert on `p` design columns, starting at beta = 0. */
  explicit PoissonExpert(arma::uword p);

  const arma::vec& Coefficients() const { return beta_; }

  std::string Family() const override { return "poisson"; }
  /** InputError naming the row of the first negative or non-integer count. */
  void ValidateResponse(const arma::mat& y) const override;
  bool UsesOffset() const override { return true; }
  void LogDensity(const Data& data, arma::vec& out) const override;
  /**
   * Weighted IRLS (Newton on the concave weighted log-likelihood) with step halving from the current
   * coefficients; the first call starts from weighted least squares of log(y + 0.5).
   */
  StepReport FitWeighted(const Data& data, const arma::vec& weights) override;
  /** exp(x'beta + offset), which is also the variance. */
  void Mean(const Data& data, arma::vec& out) const override;
  void Sample(const Data& data, Rng& rng, arma::mat& out) const override;
  arma::vec Pack() const override { return beta_; }
  void Unpack(const arma::vec& theta) override;
  void GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return beta_.n_elem; }
  /** "coefficients" (log scale). */
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Expert> Clone() const override { return std::make_unique<PoissonExpert>(*this); }

 private:
  /** eta_i = x_i'b + offset_i. */
  static arma::vec LinearPredictor(const Data& data, const arma::vec& b);

  arma::vec beta_;
  bool started_ = false;
};

}  // namespace moest
