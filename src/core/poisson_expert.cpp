#include "moest/expert/poisson.hpp"

#include <cmath>
#include <sstream>

#include "moest/errors.hpp"
#include "moest/expert/weighted_fit.hpp"
#include "moest/expert/newton.hpp"
#include "moest/expert/sampling.hpp"
#include "moest/model/kernels.hpp"

namespace moest {

PoissonExpert::PoissonExpert(arma::uword p) : beta_(p, arma::fill::zeros) {}

void PoissonExpert::ValidateResponse(const arma::mat& y) const {
  for (arma::uword i = 0; i < y.n_rows; ++i) {
    const double v = y(i, 0);
    if (v < 0.0 || v != std::floor(v)) {
      std::ostringstream message;
      message << "poisson expert: the response must be a count (a whole number >= 0), but row " << i + 1
              << " has " << v;
      throw InputError(message.str());
    }
  }
}

arma::vec PoissonExpert::LinearPredictor(const Data& data, const arma::vec& b) {
  if (data.offset == nullptr) return data.xExpert * b;
  return data.xExpert * b + *data.offset;
}

void PoissonExpert::LogDensity(const Data& data, arma::vec& out) const {
  const arma::vec eta = LinearPredictor(data, beta_);
  const double* y = data.y.colptr(0);
  out.set_size(eta.n_elem);
  for (arma::uword i = 0; i < eta.n_elem; ++i) out[i] = y[i] * eta[i] - std::exp(eta[i]) - std::lgamma(y[i] + 1.0);
}

StepReport PoissonExpert::FitWeighted(const Data& data, const arma::vec& weights) {
  StepReport report;
  double total = 0.0;
  if (!weighted_fit::HasWeight(weights, total, report)) return report;
  const arma::mat& x = data.xExpert;
  const arma::vec y = data.y.col(0);
  arma::vec theta = beta_;
  if (!started_) {
    arma::vec logY = arma::log(y + 0.5);
    if (data.offset != nullptr) logY -= *data.offset;
    arma::mat xtwx;
    arma::vec xtwy, start;
    kernels::WeightedCrossProducts(x, weights.memptr(), logY.memptr(), xtwx, xtwy);
    if (arma::solve(start, xtwx, xtwy, arma::solve_opts::no_approx) && start.is_finite()) theta = start;
  }
  auto objective = [&](const arma::vec& b) {
    const arma::vec eta = LinearPredictor(data, b);
    return arma::dot(weights, y % eta - arma::exp(eta));
  };
  auto derivatives = [&](const arma::vec& b, arma::vec& gradient, arma::mat& negHessian) {
    const arma::vec mu = arma::exp(LinearPredictor(data, b));
    gradient = x.t() * (weights % (y - mu));
    negHessian = x.t() * (x.each_col() % (weights % mu));
  };
  const NewtonOutcome outcome = NewtonAscent(objective, derivatives, theta);
  report = NewtonReport(outcome, theta, "Poisson", total);
  if (report.singular) return report;
  beta_ = theta;
  started_ = true;
  return report;
}

void PoissonExpert::Mean(const Data& data, arma::vec& out) const { out = arma::exp(LinearPredictor(data, beta_)); }

void PoissonExpert::Sample(const Data& data, Rng& rng, arma::mat& out) const {
  const arma::vec mu = arma::exp(LinearPredictor(data, beta_));
  out.set_size(mu.n_elem, 1);
  for (arma::uword i = 0; i < mu.n_elem; ++i) out(i, 0) = sampling::Poisson(rng, mu[i]);
}

void PoissonExpert::Unpack(const arma::vec& theta) {
  beta_ = theta.head(beta_.n_elem);
  started_ = true;
}

void PoissonExpert::GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const {
  g = data.xExpert.t() * (c % (data.y.col(0) - arma::exp(LinearPredictor(data, beta_))));
}

ParameterBlocks PoissonExpert::Blocks() const { return {{"coefficients", beta_}}; }

void PoissonExpert::SetBlocks(const ParameterBlocks& blocks) {
  beta_ = FindBlock(blocks, "coefficients", beta_.n_elem, 1, "poisson expert");
  started_ = true;
}

}  // namespace moest
