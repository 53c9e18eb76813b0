#include "moest/expert/gaussian.hpp"

#include <cmath>
#include <typeinfo>

#include "moest/errors.hpp"
#include "moest/expert/weighted_fit.hpp"
#include "moest/model/kernels.hpp"
#include "moest/model/model.hpp"

namespace moest {

namespace {
const double kLogSqrtTwoPi = 0.5 * std::log(2.0 * arma::datum::pi);
}  // namespace

GaussianExpert::GaussianExpert(arma::uword p) : beta_(p, arma::fill::zeros) {}

void GaussianExpert::LogDensity(const Data& data, arma::vec& out) const {
  out.set_size(data.N());
  kernels::GaussianLogDensity(data.xExpert, beta_, data.y.colptr(0), -kLogSqrtTwoPi - std::log(sigma_),
                              1.0 / sigma_, out.memptr());
}

namespace {

// The weighted cross products of the columns of `w` (n x K weights) on the expert design.
struct CrossProducts {
  arma::cube xtwx;
  arma::mat xtwy;
  arma::vec ytwy, totals;
  CrossProducts(const Data& data, const arma::mat& w) {
    kernels::JointWeightedCrossProducts(data.xExpert, w, data.y.colptr(0), xtwx, xtwy, ytwy, totals);
  }
};

// The M-step of `expert` from weight column k of `sums`. The weighted residual sum of squares comes from
// the cross products, y'Wy - 2 b'X'Wy + b'X'WX b, which saves a pass over the data. It cancels when the
// residuals are small against y: its rounding error is about eps * y'Wy / rss relative, so below
// rss = 1e-3 y'Wy the exact pass over the rows is taken instead.
StepReport FitColumn(GaussianExpert& expert, const Data& data, const CrossProducts& sums, arma::uword k,
                     const double* weights) {
  const arma::mat& xtwx = sums.xtwx.slice(k);
  const arma::vec xtwy = sums.xtwy.col(k);
  const double ytwy = sums.ytwy[k];
  return expert.FitCrossProducts(xtwx, xtwy, sums.totals[k], data.N(), [&](const arma::vec& beta) {
    const double rss = ytwy - 2.0 * arma::dot(beta, xtwy) + arma::as_scalar(beta.t() * xtwx * beta);
    if (rss >= 1e-3 * ytwy) return rss;
    return kernels::WeightedSquaredResiduals(data.xExpert, beta, data.y.colptr(0), weights);
  });
}

}  // namespace

StepReport GaussianExpert::FitWeighted(const Data& data, const arma::vec& weights) {
  return FitColumn(*this, data, CrossProducts(data, weights), 0, weights.memptr());
}

bool FitGaussianExpertsJointly(Model& model, const Data& data, const arma::mat& r, std::vector<StepReport>& reports) {
  if (data.y.n_cols != 1 || r.n_cols != model.K()) return false;
  for (arma::uword k = 0; k < model.K(); ++k) {
    if (typeid(model.expert(k)) != typeid(GaussianExpert)) return false;
  }
  const CrossProducts sums(data, r);
  reports.assign(model.K(), StepReport());
  for (arma::uword k = 0; k < model.K(); ++k) {
    reports[k] = FitColumn(static_cast<GaussianExpert&>(model.expert(k)), data, sums, k, r.colptr(k));
  }
  return true;
}

StepReport GaussianExpert::FitCrossProducts(const arma::mat& xtwx, const arma::vec& xtwy, double total,
                                            arma::uword n,
                                            const std::function<double(const arma::vec&)>& weightedRss) {
  StepReport report;
  if (!(total > 1e-10 * static_cast<double>(n))) {
    report.singular = true;
    report.note = "its total weight is " + std::to_string(total);
    return report;
  }
  arma::mat beta;
  if (!weighted_fit::SolveNormalEquations(xtwx, xtwy, total, beta, report)) return report;
  beta_ = beta.col(0);
  double variance = weightedRss(beta_) / total;
  if (!(variance >= varianceFloor_)) {
    variance = varianceFloor_;
    report.varianceFloorBound = true;
    report.note = "its variance is at the floor";
  }
  sigma_ = std::sqrt(variance);
  return report;
}

void GaussianExpert::Mean(const Data& data, arma::vec& out) const { out = data.xExpert * beta_; }

void GaussianExpert::Sample(const Data& data, Rng& rng, arma::mat& out) const {
  const arma::vec mu = data.xExpert * beta_;
  out.set_size(mu.n_elem, 1);
  for (arma::uword i = 0; i < mu.n_elem; ++i) out(i, 0) = mu[i] + sigma_ * rng.Normal();
}

arma::vec GaussianExpert::Pack() const {
  arma::vec theta(beta_.n_elem + 1);
  theta.head(beta_.n_elem) = beta_;
  theta[beta_.n_elem] = std::log(sigma_);
  return theta;
}

void GaussianExpert::Unpack(const arma::vec& theta) {
  beta_ = theta.head(beta_.n_elem);
  sigma_ = std::exp(theta[beta_.n_elem]);
}

void GaussianExpert::GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const {
  // Two n-vectors kept between calls (the information matrices call this once per difference column).
  arma::vec& resid = gradient_.value.resid;
  arma::vec& weighted = gradient_.value.weighted;
  resid = data.xExpert * beta_;
  resid = data.y.col(0) - resid;
  weighted = c % resid;
  const double variance = sigma_ * sigma_;
  g.set_size(beta_.n_elem + 1);
  g.head(beta_.n_elem) = data.xExpert.t() * weighted / variance;
  g[beta_.n_elem] = arma::dot(weighted, resid) / variance - arma::accu(c);
}

ParameterBlocks GaussianExpert::Blocks() const {
  return {{"coefficients", beta_}, {"sigma", arma::mat(1, 1, arma::fill::value(sigma_))}};
}

void GaussianExpert::SetBlocks(const ParameterBlocks& blocks) {
  beta_ = FindBlock(blocks, "coefficients", beta_.n_elem, 1, "gaussian expert");
  const double sigma = FindBlock(blocks, "sigma", 1, 1, "gaussian expert")(0, 0);
  if (!(sigma > 0.0)) throw InputError("gaussian expert: parameter 'sigma' must be positive");
  sigma_ = sigma;
}

}  // namespace moest
