// Multinomial-logistic expert for a categorical response with C classes (C = 2 is logistic
// regression): P(y = c | x) = softmax_c(x'eta_c) with eta_0 = 0 (the first class is the reference, as
// in R's multinom and flexmix). y holds the class labels 0..C-1.
#pragma once

#include "moest/expert/expert.hpp"

namespace moest {

class MultinomialExpert : public Expert {
 public:
  /** An expert on `p` design columns and `classes` >= 2 classes, starting at eta = 0 (uniform). */
  MultinomialExpert(arma::uword p, arma::uword classes);

  arma::uword Classes() const { return classes_; }
  /** p x (C-1): column c-1 holds eta_c, the log-odds of class c against class 0. */
  const arma::mat& Coefficients() const { return eta_; }
  /** P(y_i = c | x_i): n x C. */
  void ClassProbabilities(const Data& data, arma::mat& out) const;

  std::string Family() const override { return "multinomial"; }
  /** InputError naming the row of the first label that is not a whole number in 0..C-1. */
  void ValidateResponse(const arma::mat& y) const override;
  void LogDensity(const Data& data, arma::vec& out) const override;
  /** Newton (weighted IRLS) with step halving from the current coefficients. */
  StepReport FitWeighted(const Data& data, const arma::vec& weights) override;
  /**
   * The expected label sum_c c P(y = c | x): for C = 2 this is P(y = 1 | x); for C > 2 it is only a
   * summary. Use ClassProbabilities / PredictClassProbabilities for predictions.
   */
  void Mean(const Data& data, arma::vec& out) const override;
  /** Class labels 0..C-1. */
  void Sample(const Data& data, Rng& rng, arma::mat& out) const override;
  arma::vec Pack() const override { return arma::vectorise(eta_); }
  void Unpack(const arma::vec& theta) override;
  void GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return eta_.n_elem; }
  /** "coefficients": the p x (C-1) matrix. */
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Expert> Clone() const override { return std::make_unique<MultinomialExpert>(*this); }
  /** "multinomial(classes = C)". */
  ComponentSpec Spec() const override;

 private:
  /** n x C log-probabilities for coefficients `eta`. */
  void LogProbabilities(const arma::mat& x, const arma::mat& eta, arma::mat& out) const;

  arma::uword classes_;
  arma::mat eta_;
};

}  // namespace moest
