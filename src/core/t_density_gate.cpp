#include "moest/gate/t_density.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>

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

double SumWeightedLogMinus(const arma::vec& r, const arma::vec& u) {
  double sum = 0.0;
  for (arma::uword i = 0; i < u.n_elem; ++i) sum += r[i] * (std::log(u[i]) - u[i]);
  return sum;
}

constexpr double kMinNu = 0.01;
constexpr double kMaxNu = 1000.0;

// The nu that maximises the expected complete-data log-likelihood: the root of
// log(nu/2) - psi(nu/2) + 1 + c = 0, where the left side decreases in nu; c < -1 always, so a root
// exists; it is clamped to [kMinNu, kMaxNu].
double SolveNu(double c) {
  auto f = [c](double nu) { return std::log(nu / 2.0) - boost::math::digamma(nu / 2.0) + 1.0 + c; };
  if (f(kMaxNu) >= 0.0) return kMaxNu;
  if (f(kMinNu) <= 0.0) return kMinNu;
  std::uintmax_t iterations = 200;
  const auto bracket = boost::math::tools::toms748_solve(
      f, kMinNu, kMaxNu, boost::math::tools::eps_tolerance<double>(50), iterations);
  return 0.5 * (bracket.first + bracket.second);
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
  double sharedSum = 0.0, sharedTotal = 0.0;
  arma::rowvec nuConstant(K, arma::fill::zeros);
  for (arma::uword k = 0; k < K; ++k) {
    const double total = arma::accu(r.col(k));
    if (!(total > 0.0)) continue;
    const double nu = nu_[k];
    // E-step of the latent scales at the current parameters.
    const arma::mat z = scale_factor::Whiten(x, location_.col(k), factor_.slice(k));
    const arma::vec u = (nu + q) / (nu + arma::sum(arma::square(z), 1));
    const arma::vec ru = r.col(k) % u;
    arma::vec location;
    arma::mat L;
    const bool floorBound = scale_factor::FitWeighted(x, ru, total, floor, false, location, L);
    location_.col(k) = location;
    if (floorBound) {
      report.varianceFloorBound = true;
      report.note = "the scatter matrix of gate component " + std::to_string(k + 1) + " was raised to its floor";
    }
    factor_.slice(k) = L;
    scatter_.slice(k) = L * L.t();
    // E[log u] - E[u] under the current parameters, averaged with weights r.
    const double expectedLog = boost::math::digamma(0.5 * (nu + q)) - std::log(0.5 * (nu + q));
    const double sum = SumWeightedLogMinus(r.col(k), u) + total * expectedLog;
    nuConstant[k] = sum / total;
    sharedSum += sum;
    sharedTotal += total;
  }
  if (mode_ == Nu::PerComponent) {
    for (arma::uword k = 0; k < K; ++k) {
      if (arma::accu(r.col(k)) > 0.0) nu_[k] = SolveNu(nuConstant[k]);
    }
  } else if (mode_ == Nu::Shared && sharedTotal > 0.0) {
    nu_.fill(SolveNu(sharedSum / sharedTotal));
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
