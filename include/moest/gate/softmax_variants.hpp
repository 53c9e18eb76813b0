// The softmax gate with options (family "softmax" with any non-default option; the plain linear
// softmax keeps its own fast Newton path in softmax.hpp):
//   g_k(x) = softmax over the selected k of  M(x)'w_k / temperature
// - temperature > 0 (default 1): the logits are divided by it (the coefficients are not rescaled);
// - transform = none | tanh | sigmoid: M applies it to every covariate column, leaving the intercept
//   (a first gate-design column of ones) as it is (Nguyen et al. 2023, modified softmax);
// - top_k in 1..K (default K): only the top_k largest logits of a row are kept, the others get
//   log-weight kZeroLogWeight (a weight of exactly 0 in double precision), then softmax over the kept
//   ones (Nguyen et al. 2024). top_k_bias = before (default) ranks the full logits, bias included, as in
//   softmax(TopK(Wx + b)); top_k_bias = after ranks the logits without the intercept's term and adds
//   the bias only to the softmax of the kept ones.
// Identification: w_1 = 0 (component 1 is the reference), as for the linear softmax; a common shift of
// all w_k changes neither the ranking nor the weights. The temperature and top_k are fixed, not fitted.
// M-step: L-BFGS on the weighted objective (solver/gate_optimizer.hpp) with the analytic gradient.
#pragma once

#include <string>

#include "moest/gate/gate.hpp"

namespace moest {

class SoftmaxVariantGate : public Gate {
 public:
  enum class Transform { None, Tanh, Sigmoid };
  enum class BiasPlacement { Before, After };

  struct Options {
    double temperature = 1.0;
    arma::uword topK = 0;  // 0 = all K
    BiasPlacement topKBias = BiasPlacement::Before;
    Transform transform = Transform::None;
  };

  /** Options from a spec (temperature, top_k, top_k_bias, transform); InputError on a bad value. */
  static Options ParseOptions(const ComponentSpec& spec, arma::uword K);

  SoftmaxVariantGate(arma::uword q, arma::uword K, const Options& options);

  /** The log-weight of a component that top-K selection left out. */
  static constexpr double kZeroLogWeight = -1000.0;

  const arma::mat& Coefficients() const { return w_; }
  std::string Family() const override { return "softmax"; }
  arma::uword NumComponents() const override { return w_.n_cols; }
  void LogWeights(const Data& data, arma::mat& logG) const override;
  StepReport FitResponsibilities(const Data& data, const arma::mat& r) override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  arma::uword NumParameters() const override { return w_.n_rows * (w_.n_cols - 1); }
  ParameterBlocks Blocks() const override { return {{"coefficients", w_}}; }
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<SoftmaxVariantGate>(*this); }
  void SetInnerControl(int maxIterations, double tolerance) override;
  ComponentSpec Spec() const override;

 private:
  /** The transformed design M(x). */
  arma::mat Transformed(const arma::mat& x) const;
  /** log g into logG; when `gradient` is given, dQ/dPack for weights c. Returns sum c log g. */
  double Evaluate(const arma::mat& z, bool intercept, const arma::mat& c, arma::mat& logG, arma::vec* gradient) const;

  arma::mat w_;
  Options options_;
  int maxIterations_ = 25;
  double tolerance_ = 1e-10;
};

}  // namespace moest
