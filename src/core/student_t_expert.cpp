#include "moest/expert/student_t.hpp"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/tools/roots.hpp>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "moest/errors.hpp"
#include "moest/expert/weighted_fit.hpp"
#include "moest/expert/sampling.hpp"
#include "moest/model/kernels.hpp"

namespace moest {

namespace {

const double kLogPi = std::log(arma::datum::pi);
constexpr int kMaxCycles = 10;            // ECM cycles per M-step
constexpr double kCycleTolerance = 1e-10; // relative change of the weighted log-likelihood

// Weighted least squares of y on x with weights w; false (and `beta` untouched) when singular.
bool WeightedLeastSquares(const arma::mat& x, const arma::vec& w, const double* y, arma::vec& beta) {
  arma::mat xtwx, upper;
  arma::vec xtwy, half, solution;
  kernels::WeightedCrossProducts(x, w.memptr(), y, xtwx, xtwy);
  if (!arma::chol(upper, xtwx)) return false;
  if (!arma::solve(half, arma::trimatl(upper.t()), xtwy) || !arma::solve(solution, arma::trimatu(upper), half) ||
      !solution.is_finite()) {
    return false;
  }
  beta = solution;
  return true;
}

// d log f / d nu for one standardised squared residual z2, given the nu-only constant part.
inline double NuScore(double z2, double nu, double constant) {
  return constant - 0.5 * std::log1p(z2 / nu) + 0.5 * (nu + 1.0) * z2 / (nu * (nu + z2));
}

double NuScoreConstant(double nu) {
  return 0.5 * (boost::math::digamma(0.5 * (nu + 1.0)) - boost::math::digamma(0.5 * nu)) - 0.5 / nu;
}

double LogNormaliser(double nu) {
  return std::lgamma(0.5 * (nu + 1.0)) - std::lgamma(0.5 * nu) - 0.5 * (std::log(nu) + kLogPi);
}

}  // namespace

StudentTExpert::StudentTExpert(arma::uword p, double nu, bool estimateNu)
    : beta_(p, arma::fill::zeros), nu_(nu), estimateNu_(estimateNu) {
  if (!(nu > 0.0) || !std::isfinite(nu)) {
    std::ostringstream message;
    message << "t expert: option 'nu' must be a positive number or 'estimate' (got " << nu << ")";
    throw InputError(message.str());
  }
}

ComponentSpec StudentTExpert::Spec() const {
  if (estimateNu_) return {"t", {{"nu", "estimate"}}};
  std::ostringstream value;
  value.precision(17);
  value << nu_;
  return {"t", {{"nu", value.str()}}};
}

void StudentTExpert::LogDensity(const Data& data, arma::vec& out) const {
  const arma::uword n = data.N();
  out.set_size(n);
  const arma::vec mu = data.xExpert * beta_;
  const double constant = LogNormaliser(nu_) - std::log(sigma_);
  const double half = 0.5 * (nu_ + 1.0);
  const double scale = 1.0 / (sigma_ * sigma_ * nu_);
  const double* y = data.y.colptr(0);
  for (arma::uword i = 0; i < n; ++i) {
    const double e = y[i] - mu[i];
    out[i] = constant - half * std::log1p(e * e * scale);
  }
}

double StudentTExpert::WeightedLogLikelihood(const arma::vec& z2, const arma::vec& w, double nu) const {
  double sum = 0.0;
  for (arma::uword i = 0; i < z2.n_elem; ++i) sum += w[i] * std::log1p(z2[i] / nu);
  return arma::accu(w) * (LogNormaliser(nu) - std::log(sigma_)) - 0.5 * (nu + 1.0) * sum;
}

StepReport StudentTExpert::FitWeighted(const Data& data, const arma::vec& weights) {
  StepReport report;
  double total = 0.0;
  if (!weighted_fit::HasWeight(weights, total, report)) return report;
  const double* y = data.y.colptr(0);
  const arma::uword n = data.N();
  auto singular = [&]() {
    report.singular = true;
    std::ostringstream note;
    note << "its weighted design is singular (total weight " << total << ")";
    report.note = note.str();
    return report;
  };
  auto setScale = [&](double variance) {
    if (!(variance >= varianceFloor_)) {
      variance = varianceFloor_;
      report.varianceFloorBound = true;
      report.note = "its variance is at the floor";
    } else {
      report.varianceFloorBound = false;
      report.note.clear();
    }
    sigma_ = std::sqrt(variance);
  };
  if (!started_) {
    // The weighted Gaussian fit: a sensible place for ECM to start from.
    if (!WeightedLeastSquares(data.xExpert, weights, y, beta_)) return singular();
    setScale(kernels::WeightedSquaredResiduals(data.xExpert, beta_, y, weights.memptr()) / total);
    started_ = true;
  }
  arma::vec e(n), z2(n), u(n), wu(n);
  auto residuals = [&]() {
    e = data.y.col(0) - data.xExpert * beta_;
    z2 = arma::square(e) / (sigma_ * sigma_);
  };
  residuals();
  double before = WeightedLogLikelihood(z2, weights, nu_);
  for (int cycle = 0; cycle < kMaxCycles; ++cycle) {
    // E: latent scales at the current parameters. CM 1: beta. CM 2: sigma.
    for (arma::uword i = 0; i < n; ++i) u[i] = (nu_ + 1.0) / (nu_ + z2[i]);
    wu = weights % u;
    if (!WeightedLeastSquares(data.xExpert, wu, y, beta_)) return singular();
    e = data.y.col(0) - data.xExpert * beta_;
    setScale(arma::dot(wu, arma::square(e)) / total);
    z2 = arma::square(e) / (sigma_ * sigma_);
    // CM 3 (ECME): nu maximising the weighted observed log-likelihood, a root of its score.
    if (estimateNu_) {
      auto score = [&](double nu) {
        const double constant = NuScoreConstant(nu);
        double sum = 0.0;
        for (arma::uword i = 0; i < n; ++i) sum += weights[i] * NuScore(z2[i], nu, constant);
        return sum;
      };
      double candidate = nu_;
      const double low = score(kStudentTMinNu);
      const double high = score(kStudentTMaxNu);
      if (!(low > 0.0)) {
        candidate = kStudentTMinNu;
      } else if (!(high < 0.0)) {
        candidate = kStudentTMaxNu;
      } else {
        std::uintmax_t iterations = 100;
        const auto bracket = boost::math::tools::toms748_solve(
            score, kStudentTMinNu, kStudentTMaxNu, low, high,
            boost::math::tools::eps_tolerance<double>(40), iterations);
        candidate = 0.5 * (bracket.first + bracket.second);
      }
      if (std::isfinite(candidate) &&
          WeightedLogLikelihood(z2, weights, candidate) >= WeightedLogLikelihood(z2, weights, nu_)) {
        nu_ = candidate;
      }
    }
    const double after = WeightedLogLikelihood(z2, weights, nu_);
    const bool settled = std::abs(after - before) <= kCycleTolerance * (std::abs(after) + 1.0);
    before = after;
    if (settled) break;
  }
  return report;
}

void StudentTExpert::Mean(const Data& data, arma::vec& out) const { out = data.xExpert * beta_; }

void StudentTExpert::Sample(const Data& data, Rng& rng, arma::mat& out) const {
  const arma::vec mu = data.xExpert * beta_;
  out.set_size(mu.n_elem, 1);
  for (arma::uword i = 0; i < mu.n_elem; ++i) {
    const double chiSquare = 2.0 * sampling::Gamma(rng, 0.5 * nu_);
    out(i, 0) = mu[i] + sigma_ * rng.Normal() / std::sqrt(chiSquare / nu_);
  }
}

arma::vec StudentTExpert::Pack() const {
  const arma::uword p = beta_.n_elem;
  arma::vec theta(NumParameters());
  theta.head(p) = beta_;
  theta[p] = std::log(sigma_);
  if (estimateNu_) theta[p + 1] = std::log(nu_);
  return theta;
}

void StudentTExpert::Unpack(const arma::vec& theta) {
  const arma::uword p = beta_.n_elem;
  beta_ = theta.head(p);
  sigma_ = std::exp(theta[p]);
  if (estimateNu_) nu_ = std::exp(theta[p + 1]);
  started_ = true;
}

void StudentTExpert::GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const {
  const arma::uword p = beta_.n_elem;
  const arma::uword n = data.N();
  const arma::vec e = data.y.col(0) - data.xExpert * beta_;
  const double variance = sigma_ * sigma_;
  arma::vec cu(n);
  double scaleScore = 0.0, nuScore = 0.0;
  const double constant = NuScoreConstant(nu_);
  for (arma::uword i = 0; i < n; ++i) {
    const double z2 = e[i] * e[i] / variance;
    const double u = (nu_ + 1.0) / (nu_ + z2);
    cu[i] = c[i] * u * e[i] / variance;
    scaleScore += c[i] * (u * z2 - 1.0);
    if (estimateNu_) nuScore += c[i] * NuScore(z2, nu_, constant);
  }
  g.set_size(NumParameters());
  g.head(p) = data.xExpert.t() * cu;
  g[p] = scaleScore;
  if (estimateNu_) g[p + 1] = nu_ * nuScore;
}

ParameterBlocks StudentTExpert::Blocks() const {
  return {{"coefficients", beta_},
          {"sigma", arma::mat(1, 1, arma::fill::value(sigma_))},
          {"nu", arma::mat(1, 1, arma::fill::value(nu_))}};
}

void StudentTExpert::SetBlocks(const ParameterBlocks& blocks) {
  const arma::vec beta = FindBlock(blocks, "coefficients", beta_.n_elem, 1, "t expert");
  const double sigma = FindBlock(blocks, "sigma", 1, 1, "t expert")(0, 0);
  const double nu = FindBlock(blocks, "nu", 1, 1, "t expert")(0, 0);
  if (!(sigma > 0.0) || !std::isfinite(sigma)) throw InputError("t expert: parameter 'sigma' must be positive");
  if (!(nu > 0.0) || !std::isfinite(nu)) throw InputError("t expert: parameter 'nu' must be positive");
  beta_ = beta;
  sigma_ = sigma;
  nu_ = nu;
  started_ = true;
}

}  // namespace moest
