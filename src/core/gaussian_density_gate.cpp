#include "moest/gate/gaussian_density.hpp"

#include <cmath>

#include "moest/column_view.hpp"
#include "moest/errors.hpp"
#include "moest/gate/scale_factor.hpp"

namespace moest {

namespace {
const double kLog2Pi = std::log(2.0 * arma::datum::pi);
}

GaussianDensityGate::GaussianDensityGate(arma::uword q, arma::uword K, bool diagonal)
    : DensityGate(q, K), diagonal_(diagonal) {
  mean_.zeros(Dimension(), K);
  factor_.set_size(Dimension(), Dimension(), K);
  for (arma::uword k = 0; k < K; ++k) factor_.slice(k) = arma::eye(Dimension(), Dimension());
  covariance_ = factor_;
}

ComponentSpec GaussianDensityGate::Spec() const {
  return {Family(), {{"covariance", diagonal_ ? "diagonal" : "full"}}};
}

void GaussianDensityGate::LogDensities(const arma::mat& x, arma::mat& out) const {
  const arma::uword K = mean_.n_cols;
  const double q = static_cast<double>(Dimension());
  out.set_size(x.n_rows, K);
  for (arma::uword k = 0; k < K; ++k) {
    const arma::mat z = scale_factor::Whiten(x, mean_.col(k), factor_.slice(k));
    out.col(k) = -0.5 * (q * kLog2Pi + scale_factor::LogDet(factor_.slice(k))) - 0.5 * arma::sum(arma::square(z), 1);
  }
}

StepReport GaussianDensityGate::FitDensities(const arma::mat& x, const arma::mat& r) {
  StepReport report;
  const arma::vec floor = ScaleFloor(x);
  for (arma::uword k = 0; k < mean_.n_cols; ++k) {
    const double total = arma::accu(r.col(k));
    if (!(total > 0.0)) continue;  // reported by the caller
    arma::vec mean;
    arma::mat L;
    const bool floorBound = scale_factor::FitWeighted(x, ColumnView(r, k), total, floor, diagonal_, mean, L);
    SetComponent(k, mean, L, floorBound, report);
  }
  return report;
}

StepReport GaussianDensityGate::FitMoments(const arma::rowvec& totals, const arma::mat& means,
                                           const arma::cube& scatters, const arma::vec& floor) {
  StepReport report = SetMixingWeights(totals);
  for (arma::uword k = 0; k < mean_.n_cols; ++k) {
    if (!(totals[k] > 0.0)) continue;  // reported by SetMixingWeights
    arma::mat L;
    const bool floorBound = scale_factor::Factor(scatters.slice(k), floor, diagonal_, L);
    SetComponent(k, means.col(k), L, floorBound, report);
  }
  return report;
}

void GaussianDensityGate::SetComponent(arma::uword k, const arma::vec& mean, const arma::mat& L, bool floorBound,
                                       StepReport& report) {
  mean_.col(k) = mean;
  if (floorBound) {
    report.varianceFloorBound = true;
    report.note = "the covariance of gate component " + std::to_string(k + 1) + " was raised to its floor";
  }
  factor_.slice(k) = L;
  covariance_.slice(k) = L * L.t();
}

arma::vec GaussianDensityGate::PackDensities() const {
  arma::vec theta = arma::vectorise(mean_);
  for (arma::uword k = 0; k < mean_.n_cols; ++k) {
    theta = arma::join_cols(theta, scale_factor::Pack(factor_.slice(k), diagonal_));
  }
  return theta;
}

void GaussianDensityGate::UnpackDensities(const arma::vec& theta) {
  const arma::uword q = Dimension(), K = mean_.n_cols;
  mean_ = arma::reshape(theta.head(q * K), q, K);
  const arma::uword per = scale_factor::Count(q, diagonal_);
  for (arma::uword k = 0; k < K; ++k) {
    factor_.slice(k) = scale_factor::Unpack(theta, q * K + k * per, q, diagonal_);
    covariance_.slice(k) = factor_.slice(k) * factor_.slice(k).t();
  }
}

void GaussianDensityGate::GradDensities(const arma::mat& x, const arma::mat& w, arma::vec& g) const {
  const arma::uword q = Dimension(), K = mean_.n_cols;
  arma::mat meanGrad(q, K);
  arma::vec factorGrad;
  arma::vec meanGradK;
  for (arma::uword k = 0; k < K; ++k) {
    const arma::mat z = scale_factor::Whiten(x, mean_.col(k), factor_.slice(k));
    scale_factor::Gradient(z, factor_.slice(k), w.col(k), arma::accu(w.col(k)), diagonal_, meanGradK, factorGrad);
    meanGrad.col(k) = meanGradK;
  }
  g = arma::join_cols(arma::vectorise(meanGrad), factorGrad);
}

arma::uword GaussianDensityGate::NumDensityParameters() const {
  return mean_.n_cols * (Dimension() + scale_factor::Count(Dimension(), diagonal_));
}

ParameterBlocks GaussianDensityGate::DensityBlocks() const {
  ParameterBlocks blocks{{"mean", mean_}};
  if (diagonal_) {
    arma::mat variance(Dimension(), mean_.n_cols);
    for (arma::uword k = 0; k < mean_.n_cols; ++k) variance.col(k) = covariance_.slice(k).diag();
    blocks.push_back({"variance", variance});
  } else {
    for (arma::uword k = 0; k < mean_.n_cols; ++k) {
      blocks.push_back({"covariance." + std::to_string(k + 1), Covariance(k)});
    }
  }
  return blocks;
}

void GaussianDensityGate::SetDensityBlocks(const ParameterBlocks& blocks) {
  const arma::uword q = Dimension(), K = mean_.n_cols;
  const std::string owner = "gaussian_density gate";
  const arma::mat mean = FindBlock(blocks, "mean", q, K, owner);
  arma::cube factor(q, q, K), covariance(q, q, K);
  for (arma::uword k = 0; k < K; ++k) {
    arma::mat L;
    bool ok = false;
    if (diagonal_) {
      const arma::mat& variance = FindBlock(blocks, "variance", q, K, owner);
      ok = variance.col(k).min() > 0.0;
      if (ok) L = arma::diagmat(arma::sqrt(variance.col(k)));
      covariance.slice(k) = arma::diagmat(variance.col(k));
    } else {
      const arma::mat& S = FindBlock(blocks, "covariance." + std::to_string(k + 1), q, q, owner);
      arma::mat upper;
      ok = S.is_symmetric(1e-10 * (1.0 + arma::abs(S).max())) && arma::chol(upper, S);
      if (ok) L = upper.t();
      covariance.slice(k) = S;
    }
    if (!ok) throw InputError("the covariance of component " + std::to_string(k + 1) + " of the " + owner +
                              " is not positive definite");
    factor.slice(k) = L;
  }
  mean_ = mean;
  factor_ = factor;
  covariance_ = covariance;
}

}  // namespace moest
