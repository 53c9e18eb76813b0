#include "moest/expert/mvn.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/expert/weighted_fit.hpp"
#include "moest/gate/scale_factor.hpp"

namespace moest {

namespace {
const double kLog2Pi = std::log(2.0 * arma::datum::pi);
}  // namespace

MvnExpert::MvnExpert(arma::uword p, arma::uword dimension) {
  if (dimension < 1) throw InputError("mvn expert: option 'dimension' must be at least 1");
  beta_.zeros(p, dimension);
  factor_.eye(dimension, dimension);
}

ComponentSpec MvnExpert::Spec() const { return {"mvn", {{"dimension", std::to_string(beta_.n_cols)}}}; }

arma::uword MvnExpert::NumParameters() const {
  return beta_.n_elem + scale_factor::Count(beta_.n_cols, false);
}

arma::mat MvnExpert::WhitenedResiduals(const Data& data) const {
  const arma::mat residual = data.y - data.xExpert * beta_;
  return arma::solve(arma::trimatl(factor_), residual.t()).t();
}

void MvnExpert::LogDensity(const Data& data, arma::vec& out) const {
  const double d = static_cast<double>(beta_.n_cols);
  const arma::mat z = WhitenedResiduals(data);
  out = -0.5 * (d * kLog2Pi + scale_factor::LogDet(factor_)) - 0.5 * arma::sum(arma::square(z), 1);
}

StepReport MvnExpert::FitWeighted(const Data& data, const arma::vec& weights) {
  StepReport report;
  double total = 0.0;
  if (!weighted_fit::HasWeight(weights, total, report)) return report;
  const arma::mat& x = data.xExpert;
  const arma::mat xw = x.each_col() % weights;
  // X'WX B = X'WY for all d columns at once.
  arma::mat beta;
  if (!weighted_fit::SolveNormalEquations(x.t() * xw, xw.t() * data.y, total, beta, report)) return report;
  beta_ = beta;
  const arma::mat residual = data.y - x * beta_;
  const arma::mat covariance = residual.t() * (residual.each_col() % weights) / total;
  const arma::vec floor(beta_.n_cols, arma::fill::value(varianceFloor_ > 0.0 ? varianceFloor_ : 1e-300));
  if (scale_factor::Factor(covariance, floor, false, factor_)) {
    report.varianceFloorBound = true;
    report.note = "its covariance was raised to the floor";
  }
  return report;
}

void MvnExpert::ResponseMeans(const Data& data, arma::mat& out) const { out = data.xExpert * beta_; }

void MvnExpert::Mean(const Data& data, arma::vec& out) const { out = data.xExpert * beta_.col(0); }

void MvnExpert::Sample(const Data& data, Rng& rng, arma::mat& out) const {
  const arma::uword n = data.N(), d = beta_.n_cols;
  arma::mat noise(n, d);
  for (arma::uword i = 0; i < n; ++i) {
    for (arma::uword j = 0; j < d; ++j) noise(i, j) = rng.Normal();
  }
  out = data.xExpert * beta_ + noise * factor_.t();
}

arma::vec MvnExpert::Pack() const {
  return arma::join_cols(arma::vectorise(beta_), scale_factor::Pack(factor_, false));
}

void MvnExpert::Unpack(const arma::vec& theta) {
  beta_ = arma::reshape(theta.head(beta_.n_elem), beta_.n_rows, beta_.n_cols);
  factor_ = scale_factor::Unpack(theta, beta_.n_elem, beta_.n_cols, false);
}

void MvnExpert::GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const {
  const arma::mat z = WhitenedResiduals(data);
  // d/dB sum_i c_i log f_i = sum_i c_i x_i (S^{-1} e_i)' = X' diag(c) Z L^{-1}.
  const arma::mat zc = z.each_col() % c;
  const arma::mat gradB = arma::solve(arma::trimatu(factor_.t()), (data.xExpert.t() * zc).t()).t();
  arma::vec unusedLocation;
  g = arma::vectorise(gradB);
  scale_factor::Gradient(z, factor_, c, arma::accu(c), false, unusedLocation, g);
}

ParameterBlocks MvnExpert::Blocks() const { return {{"coefficients", beta_}, {"covariance", Covariance()}}; }

void MvnExpert::SetBlocks(const ParameterBlocks& blocks) {
  const arma::uword d = beta_.n_cols;
  const arma::mat beta = FindBlock(blocks, "coefficients", beta_.n_rows, d, "mvn expert");
  const arma::mat& covariance = FindBlock(blocks, "covariance", d, d, "mvn expert");
  arma::mat upper;
  if (!covariance.is_symmetric(1e-8 * std::max(1.0, arma::abs(covariance).max())) ||
      !arma::chol(upper, arma::symmatu(covariance))) {
    throw InputError("mvn expert: parameter 'covariance' must be a symmetric positive-definite matrix");
  }
  beta_ = beta;
  factor_ = upper.t();
}

}  // namespace moest
