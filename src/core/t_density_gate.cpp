#include "moest/gate/t_density.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

#include "moest/errors.hpp"
#include "moest/gate/scale_factor.hpp"

namespace moest {

namespace {

// log1p and log as plain loops: Armadillo's element-wise transcendental functions run OpenMP threads
// on long vectors, which costs far more than they save here.
arma::vec Log1pOf(const arma::vec& v, double scale) {
  arma::vec out(v.n_elem);
  for (arma::uword i = 0; i < v.n_elem; ++i) out[i] = std::log1p(v[i] * scale);
  return out;
}

constexpr double kMinNu = 0.01;
constexpr double kMaxNu = 1000.0;

// The weighted t log-likelihood of one component as a function of nu, given its squared Mahalanobis
// distances `delta` (the terms free of nu dropped): sum_i r_i [lgamma((nu+q)/2) - lgamma(nu/2)
// - q/2 log nu - (nu+q)/2 log(1 + delta_i/nu)].
double WeightedLogLikelihoodInNu(const arma::vec& r, const arma::vec& delta, double q, double nu) {
  double sum = 0.0;
  for (arma::uword i = 0; i < delta.n_elem; ++i) sum += r[i] * std::log1p(delta[i] / nu);
  const double total = arma::accu(r);
  return total * (std::lgamma(0.5 * (nu + q)) - std::lgamma(0.5 * nu) - 0.5 * q * std::log(nu)) - 0.5 * (nu + q) * sum;
}

// ECME: nu maximises the observed (label-complete) weighted t log-likelihood at the new location and
// scatter, found by Brent's method on log nu over [kMinNu, kMaxNu] (Liu and Rubin 1994). It replaces
// the ECM root of the latent-scale equation, which creeps towards large nu one small step per
// iteration when the data are near Gaussian. The current nu is kept unless the search improves on it,
// so the step never lowers the objective and EM stays monotone.
double MaximiseNu(const std::function<double(double)>& objective, double current) {
  auto negative = [&](double logNu) { return -objective(std::exp(logNu)); };
  const auto best = boost::math::tools::brent_find_minima(negative, std::log(kMinNu), std::log(kMaxNu), 40);
  const double found = std::exp(best.first);
  return objective(found) > objective(current) ? found : current;
}

}  // namespace

TDensityGate::TDensityGate(arma::uword q, arma::uword K, Nu mode, double nu) : DensityGate(q, K), mode_(mode) {
  if (!(nu > 0.0) || !std::isfinite(nu)) {
    throw InputError("the degrees of freedom nu of the t_density gate must be positive and finite");
  }
  location_.zeros(Dimension(), K);
  factor_.set_size(Dimension(), Dimension(), K);
  for (arma::uword k = 0; k < K; ++k) factor_.slice(k) = arma::eye(Dimension(), Dimension());
  scatter_ = factor_;
  nu_.set_size(K);
  nu_.fill(nu);
}

ComponentSpec TDensityGate::Spec() const {
  if (mode_ == Nu::Fixed) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", nu_[0]);
    return {Family(), {{"nu", text}}};
  }
  return {Family(), {{"nu", "estimate"}, {"nu_shared", mode_ == Nu::Shared ? "true" : "false"}}};
}

arma::uword TDensityGate::NumNu() const {
  return mode_ == Nu::PerComponent ? nu_.n_elem : mode_ == Nu::Shared ? 1 : 0;
}

void TDensityGate::LogDensities(const arma::mat& x, arma::mat& out) const {
  const arma::uword K = location_.n_cols;
  const double q = static_cast<double>(Dimension());
  out.set_size(x.n_rows, K);
  for (arma::uword k = 0; k < K; ++k) {
    const double nu = nu_[k];
    const double constant = std::lgamma(0.5 * (nu + q)) - std::lgamma(0.5 * nu) -
                            0.5 * q * std::log(nu * arma::datum::pi) - 0.5 * scale_factor::LogDet(factor_.slice(k));
    const arma::mat z = scale_factor::Whiten(x, location_.col(k), factor_.slice(k));
    out.col(k) = constant - 0.5 * (nu + q) * Log1pOf(arma::sum(arma::square(z), 1), 1.0 / nu);
  }
}

StepReport TDensityGate::FitDensities(const arma::mat& x, const arma::mat& r) {
  StepReport report;
  const arma::uword K = location_.n_cols;
  const double q = static_cast<double>(Dimension());
  const arma::vec floor = ScaleFloor(x);
  std::vector<arma::vec> distances(K);  // squared Mahalanobis distances at the new location and scatter
  for (arma::uword k = 0; k < K; ++k) {
    const double total = arma::accu(r.col(k));
    if (!(total > 0.0)) continue;
    // E-step of the latent scales at the current parameters, then weighted location and scatter.
    const arma::mat z = scale_factor::Whiten(x, location_.col(k), factor_.slice(k));
    const arma::vec u = (nu_[k] + q) / (nu_[k] + arma::sum(arma::square(z), 1));
    arma::vec location;
    arma::mat L;
    const bool floorBound = scale_factor::FitWeighted(x, r.col(k) % u, total, floor, false, location, L);
    location_.col(k) = location;
    if (floorBound) {
      report.varianceFloorBound = true;
      report.note = "the scatter matrix of gate component " + std::to_string(k + 1) + " was raised to its floor";
    }
    factor_.slice(k) = L;
    scatter_.slice(k) = L * L.t();
    distances[k] = arma::sum(arma::square(scale_factor::Whiten(x, location, L)), 1);
  }
  auto componentObjective = [&](arma::uword k, double nu) {
    return distances[k].is_empty() ? 0.0 : WeightedLogLikelihoodInNu(r.col(k), distances[k], q, nu);
  };
  if (mode_ == Nu::PerComponent) {
    for (arma::uword k = 0; k < K; ++k) {
      if (distances[k].is_empty()) continue;
      nu_[k] = MaximiseNu([&](double nu) { return componentObjective(k, nu); }, nu_[k]);
    }
  } else if (mode_ == Nu::Shared) {
    auto shared = [&](double nu) {
      double sum = 0.0;
      for (arma::uword k = 0; k < K; ++k) sum += componentObjective(k, nu);
      return sum;
    };
    nu_.fill(MaximiseNu(shared, nu_[0]));
  }
  return report;
}

arma::vec TDensityGate::PackDensities() const {
  arma::vec theta = arma::vectorise(location_);
  for (arma::uword k = 0; k < location_.n_cols; ++k) {
    theta = arma::join_cols(theta, scale_factor::Pack(factor_.slice(k), false));
  }
  const arma::vec logNu = arma::log(nu_.head(NumNu())).t();
  return arma::join_cols(theta, logNu);
}

void TDensityGate::UnpackDensities(const arma::vec& theta) {
  const arma::uword q = Dimension(), K = location_.n_cols;
  location_ = arma::reshape(theta.head(q * K), q, K);
  const arma::uword per = scale_factor::Count(q, false);
  for (arma::uword k = 0; k < K; ++k) {
    factor_.slice(k) = scale_factor::Unpack(theta, q * K + k * per, q, false);
    scatter_.slice(k) = factor_.slice(k) * factor_.slice(k).t();
  }
  const arma::uword at = q * K + K * per;
  if (mode_ == Nu::PerComponent) {
    for (arma::uword k = 0; k < K; ++k) nu_[k] = std::exp(theta[at + k]);
  } else if (mode_ == Nu::Shared) {
    nu_.fill(std::exp(theta[at]));
  }
}

void TDensityGate::GradDensities(const arma::mat& x, const arma::mat& w, arma::vec& g) const {
  const arma::uword K = location_.n_cols;
  const double q = static_cast<double>(Dimension());
  arma::mat locationGrad(Dimension(), K);
  arma::vec factorGrad;
  arma::rowvec nuGrad(K);
  for (arma::uword k = 0; k < K; ++k) {
    const double nu = nu_[k];
    const arma::mat& L = factor_.slice(k);
    const arma::mat z = scale_factor::Whiten(x, location_.col(k), L);
    const arma::vec delta = arma::sum(arma::square(z), 1);
    // d log h / d delta = -u / 2: the Gaussian formulas with the quadratic part weighted by u.
    const arma::vec wu = w.col(k) % ((nu + q) / (nu + delta));
    arma::vec locationGradK;
    scale_factor::Gradient(z, L, wu, arma::accu(w.col(k)), false, locationGradK, factorGrad);
    locationGrad.col(k) = locationGradK;
    const arma::vec dNu = 0.5 * (boost::math::digamma(0.5 * (nu + q)) - boost::math::digamma(0.5 * nu) - q / nu) -
                          0.5 * Log1pOf(delta, 1.0 / nu) + 0.5 * (nu + q) * delta / (nu * (nu + delta));
    nuGrad[k] = nu * arma::dot(w.col(k), dNu);  // with respect to log nu
  }
  arma::vec logNuGrad;
  if (mode_ == Nu::PerComponent) logNuGrad = nuGrad.t();
  if (mode_ == Nu::Shared) logNuGrad = arma::vec{arma::accu(nuGrad)};
  g = arma::join_cols(arma::vectorise(locationGrad), factorGrad, logNuGrad);
}

arma::uword TDensityGate::NumDensityParameters() const {
  return location_.n_cols * (Dimension() + scale_factor::Count(Dimension(), false)) + NumNu();
}

ParameterBlocks TDensityGate::DensityBlocks() const {
  ParameterBlocks blocks{{"location", location_}};
  for (arma::uword k = 0; k < location_.n_cols; ++k) blocks.push_back({"scatter." + std::to_string(k + 1), Scatter(k)});
  blocks.push_back({"nu", arma::mat(nu_)});
  return blocks;
}

void TDensityGate::SetDensityBlocks(const ParameterBlocks& blocks) {
  const arma::uword q = Dimension(), K = location_.n_cols;
  const std::string owner = "t_density gate";
  const arma::mat location = FindBlock(blocks, "location", q, K, owner);
  const arma::mat nu = FindBlock(blocks, "nu", 1, K, owner);
  if (!nu.is_finite() || nu.min() <= 0.0) throw InputError("the degrees of freedom nu of the " + owner + " must be positive");
  if (mode_ != Nu::PerComponent && nu.max() != nu.min()) {
    throw InputError("the " + owner + " has one nu for all components but the block holds different values");
  }
  arma::cube factor(q, q, K), scatter(q, q, K);
  for (arma::uword k = 0; k < K; ++k) {
    const arma::mat& S = FindBlock(blocks, "scatter." + std::to_string(k + 1), q, q, owner);
    arma::mat upper;
    if (!S.is_symmetric(1e-10 * (1.0 + arma::abs(S).max())) || !arma::chol(upper, S)) {
      throw InputError("the scatter matrix of component " + std::to_string(k + 1) + " of the " + owner +
                       " is not positive definite");
    }
    factor.slice(k) = upper.t();
    scatter.slice(k) = S;
  }
  location_ = location;
  factor_ = factor;
  scatter_ = scatter;
  nu_ = nu;
}

}  // namespace moest
