#include "moest/gate/distance.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/gate/logit_helpers.hpp"
#include "moest/solver/gate_optimizer.hpp"

namespace moest {

DistanceGate::DistanceGate(Kind kind, arma::uword q, arma::uword K) : kind_(kind) {
  if (K < 1) throw InputError("K must be at least 1");
  if (q < 2) {
    throw InputError(Family() + " gate: needs an intercept and at least one gate covariate (the distance is "
                     "over the covariates)");
  }
  centres_.zeros(q - 1, K);
  // Distinct starting centres: with equal centres and biases every component gets the same weight and
  // the gradient in the centres vanishes by symmetry.
  if (K > 1) centres_.row(0) = arma::linspace<arma::rowvec>(-1.0, 1.0, K);
  if (kind_ == Kind::GaussianKernel) centres_.each_col() -= arma::vec(centres_.col(0));
  bias_.zeros(K);
}

void DistanceGate::SetInnerControl(int maxIterations, double tolerance) {
  maxIterations_ = maxIterations;
  tolerance_ = tolerance;
}

arma::uword DistanceGate::NumParameters() const {
  const arma::uword K = bias_.n_elem;
  return centres_.n_rows * (K - FirstFreeCentre()) + (K - 1);
}

arma::mat DistanceGate::Covariates(const arma::mat& x) const {
  if (x.n_cols != centres_.n_rows + 1 || !gates::FirstColumnIsIntercept(x)) {
    throw InputError(Family() + " gate: the first gate-design column must be the intercept (a column of ones), "
                     "followed by " + std::to_string(centres_.n_rows) + " covariate(s)");
  }
  return x.cols(1, x.n_cols - 1);
}

double DistanceGate::Evaluate(const arma::mat& z, const arma::mat& c, arma::mat& logG, arma::vec* gradient) const {
  const arma::uword n = z.n_rows, K = bias_.n_elem, p = centres_.n_rows;
  arma::mat distance(n, K);  // ||z - c_k|| for laplace, its square for the Gaussian kernel
  for (arma::uword k = 0; k < K; ++k) {
    arma::vec squared(n, arma::fill::zeros);
    for (arma::uword j = 0; j < p; ++j) squared += arma::square(z.col(j) - centres_(j, k));
    distance.col(k) = kind_ == Kind::Laplace ? arma::vec(arma::sqrt(squared)) : squared;
  }
  logG = -distance;
  logG.each_row() += bias_;
  gates::LogSoftmaxRows(logG);
  if (gradient != nullptr) {
    const arma::mat d = gates::SoftmaxLogitGradient(logG, c);
    const arma::uword first = FirstFreeCentre();
    arma::mat centreGradient(p, K - first);
    for (arma::uword k = first; k < K; ++k) {
      // d logit / d c_k = (z - c_k) / ||z - c_k|| (laplace) or 2 (z - c_k) (Gaussian kernel).
      arma::vec factor = d.col(k);
      if (kind_ == Kind::Laplace) {
        const arma::vec norm = distance.col(k);
        factor /= norm;
        factor.elem(arma::find(norm == 0.0)).zeros();
      } else {
        factor *= 2.0;
      }
      for (arma::uword j = 0; j < p; ++j) {
        centreGradient(j, k - first) = arma::dot(factor, z.col(j) - centres_(j, k));
      }
    }
    const arma::rowvec biasGradient = arma::sum(d, 0);
    *gradient = arma::join_cols(arma::vectorise(centreGradient),
                                K > 1 ? arma::vec(biasGradient.cols(1, K - 1).t()) : arma::vec());
  }
  return gates::WeightedSum(c, logG);
}

void DistanceGate::LogWeights(const Data& data, arma::mat& logG) const {
  const arma::mat none;
  Evaluate(Covariates(data.xGate), none, logG, nullptr);
}

void DistanceGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  arma::mat logG;
  Evaluate(Covariates(data.xGate), c, logG, &g);
}

StepReport DistanceGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  if (bias_.n_elem == 1) return {};
  const arma::mat z = Covariates(data.xGate);
  DistanceGate probe(*this);
  arma::mat logG;
  const GateObjective objective = [&](const arma::vec& theta, arma::vec* gradient) {
    probe.Unpack(theta);
    return probe.Evaluate(z, r, logG, gradient);
  };
  arma::vec theta = Pack();
  GateOptimizerOptions options;
  options.maxIterations = 4 * std::max(1, maxIterations_);
  options.tolerance = tolerance_;
  const StepReport report = MaximiseGateObjective(objective, theta, options, Family() + " gate");
  Unpack(theta);
  return report;
}

arma::vec DistanceGate::Pack() const {
  const arma::uword K = bias_.n_elem;
  const arma::uword first = FirstFreeCentre();
  arma::vec centres = first < K ? arma::vec(arma::vectorise(centres_.cols(first, K - 1))) : arma::vec();
  if (K == 1) return kind_ == Kind::Laplace ? centres : arma::vec();
  return arma::join_cols(centres, arma::vec(bias_.cols(1, K - 1).t()));
}

void DistanceGate::Unpack(const arma::vec& theta) {
  const arma::uword K = bias_.n_elem, p = centres_.n_rows;
  const arma::uword first = FirstFreeCentre();
  if (theta.n_elem != NumParameters()) throw InputError(Family() + " gate: wrong number of parameters");
  const arma::uword m = p * (K - first);
  if (m > 0) centres_.cols(first, K - 1) = arma::reshape(theta.head(m), p, K - first);
  if (K > 1) bias_.cols(1, K - 1) = theta.tail(K - 1).t();
}

ParameterBlocks DistanceGate::Blocks() const { return {{"centres", centres_}, {"bias", arma::mat(bias_)}}; }

void DistanceGate::SetBlocks(const ParameterBlocks& blocks) {
  const arma::uword K = bias_.n_elem;
  arma::mat centres = FindBlock(blocks, "centres", centres_.n_rows, K, Family() + " gate");
  arma::mat bias = FindBlock(blocks, "bias", 1, K, Family() + " gate");
  if (kind_ == Kind::GaussianKernel) {
    // Shift the centres so c_1 = 0; the logits change by 2 z'd common to all (cancels) and by
    // -2 c_k'd - ||d||^2 per component, which the bias absorbs.
    const arma::vec shift = centres.col(0);
    for (arma::uword k = 0; k < K; ++k) {
      bias(0, k) += arma::dot(centres.col(k) - shift, centres.col(k) - shift) -
                    arma::dot(centres.col(k), centres.col(k));
    }
    centres.each_col() -= shift;
  }
  bias -= bias(0, 0);
  centres_ = centres;
  bias_ = bias;
}

}  // namespace moest
