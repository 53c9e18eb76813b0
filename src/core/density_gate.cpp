#include "moest/gate/density.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/model/kernels.hpp"
#include "moest/model/model.hpp"

namespace moest {

DensityGate::DensityGate(arma::uword q, arma::uword K) {
  if (K < 1) throw InputError("K must be at least 1");
  if (q < 2) {
    throw InputError("a density gate models the distribution of the gate covariates, but the gate design "
                     "has no covariate besides the intercept");
  }
  dimension_ = q - 1;
  pi_.set_size(K);
  pi_.fill(1.0 / static_cast<double>(K));
}

arma::mat DensityGate::Covariates(const Data& data) const {
  const arma::mat& x = data.xGate;
  if (x.n_cols != dimension_ + 1) {
    throw InputError("the density gate was built for " + std::to_string(dimension_ + 1) +
                     " gate-design columns but the data has " + std::to_string(x.n_cols));
  }
  if (x.n_rows > 0 && arma::any(x.col(0) != 1.0)) {
    throw InputError("a density gate needs an intercept as the first gate-design column (its density is "
                     "over the remaining columns)");
  }
  return x.cols(1, dimension_);
}

arma::vec DensityGate::ScaleFloor(const arma::mat& x) {
  arma::vec floor = arma::var(x, 1).t();
  floor.transform([](double v) { return 1e-8 * (v > 0.0 ? v : 1.0); });
  return floor;
}

void DensityGate::LogJointWeights(const Data& data, arma::mat& out) const {
  LogDensities(Covariates(data), out);
  out.each_row() += arma::log(pi_);
}

void DensityGate::LogWeights(const Data& data, arma::mat& logG) const {
  LogJointWeights(data, logG);
  NormaliseRows(logG);
}

StepReport DensityGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  const arma::mat x = Covariates(data);
  for (arma::uword j = 0; j < x.n_cols; ++j) {
    if (x.n_rows > 0 && x.col(j).max() == x.col(j).min()) {
      throw InputError("gate covariate " + std::to_string(j + 1) +
                       " is constant: a density gate cannot model its distribution");
    }
  }
  StepReport report = SetMixingWeights(arma::sum(r, 0));
  report.Merge(FitDensities(x, r));
  return report;
}

StepReport DensityGate::SetMixingWeights(const arma::rowvec& totals) {
  StepReport report;
  pi_ = totals / arma::accu(totals);
  for (arma::uword k = 0; k < pi_.n_elem; ++k) {
    if (!(pi_[k] > 0.0)) {
      report.singular = true;
      report.note = "component " + std::to_string(k + 1) + " of the density gate has no weight";
      pi_[k] = 1e-300;
    }
  }
  return report;
}

arma::vec DensityGate::Pack() const {
  const arma::uword K = pi_.n_elem;
  arma::vec ratios(K - 1);
  for (arma::uword k = 1; k < K; ++k) ratios[k - 1] = std::log(pi_[k] / pi_[0]);
  return arma::join_cols(ratios, PackDensities());
}

void DensityGate::Unpack(const arma::vec& theta) {
  const arma::uword K = pi_.n_elem;
  arma::rowvec logits(K, arma::fill::zeros);
  for (arma::uword k = 1; k < K; ++k) logits[k] = theta[k - 1];
  pi_ = arma::exp(logits - logits.max());
  pi_ /= arma::accu(pi_);
  UnpackDensities(theta.tail(theta.n_elem - (K - 1)));
}

void DensityGate::GradFromJointWeights(const arma::mat& x, const arma::mat& w, arma::vec& g) const {
  const arma::uword K = pi_.n_elem;
  // d log pi_k / d alpha_j = [k == j] - pi_j for the log-ratios alpha_j, j = 2..K.
  const arma::rowvec totals = arma::sum(w, 0);
  const double all = arma::accu(totals);
  arma::vec ratios(K - 1);
  for (arma::uword j = 1; j < K; ++j) ratios[j - 1] = totals[j] - pi_[j] * all;
  arma::vec densities;
  GradDensities(x, w, densities);
  g = arma::join_cols(ratios, densities);
}

void DensityGate::GradLogJointWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  GradFromJointWeights(Covariates(data), c, g);
}

void DensityGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  // log g_ik = a_ik - log sum_l exp(a_il) with a = log(pi h): the chain rule gives weights
  // c_ik - g_ik sum_l c_il on d a_ik.
  arma::mat logG;
  LogWeights(data, logG);
  arma::mat w(arma::size(logG));
  kernels::Exp(logG.memptr(), logG.n_elem, w.memptr());
  w.each_col() %= arma::sum(c, 1);
  w = c - w;
  GradFromJointWeights(Covariates(data), w, g);
}

ParameterBlocks DensityGate::Blocks() const {
  ParameterBlocks blocks{{"pi", arma::mat(pi_)}};
  for (ParameterBlock& block : DensityBlocks()) blocks.push_back(std::move(block));
  return blocks;
}

void DensityGate::SetBlocks(const ParameterBlocks& blocks) {
  const arma::mat& pi = FindBlock(blocks, "pi", 1, pi_.n_elem, Family() + " gate");
  if (!pi.is_finite() || pi.min() <= 0.0) {
    throw InputError("the mixing weights pi of the " + Family() + " gate must be positive");
  }
  SetDensityBlocks(blocks);
  pi_ = pi / arma::accu(pi);
}

}  // namespace moest
