// Direct maximum likelihood: L-BFGS (NLopt) on the packed, unconstrained parameters of any gate and
// experts (PackModel), with the gradient by Fisher's identity (LogLikelihoodGradient).
#pragma once

#include <string>

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/observer.hpp"
#include "moest/options.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/**
 * The objective of direct maximum likelihood, -l(theta) / n over PackModel's coordinates, in the
 * EvaluateWithGradient shape. Holds its own copy of the model (one objective per thread).
 */
class NegativeLogLikelihood {
 public:
  NegativeLogLikelihood(const Model& model, const Data& data);
  /** -l(theta)/n, and its gradient in `gradient`. */
  double EvaluateWithGradient(const arma::vec& theta, arma::vec& gradient);
  arma::uword Dimension() const { return dimension_; }
  const Model& model() const { return model_; }

 private:
  Model model_;
  const Data& data_;
  arma::uword dimension_;
};

/**
 * Maximise the likelihood from `model`'s parameters by L-BFGS. The run stops on the relative change
 * of -l/n (options.tolerance), on max |d(l/n)/d theta| (options.gradientTolerance), at the
 * evaluation cap, or when the observer asks. Every evaluation that improves on the best so far is a
 * trace row, numbered from `firstIteration`.
 */
FitResult RunMle(Model model, const Data& data, const MleOptions& options, Observer& observer,
                 int startIndex = 0, int firstIteration = 1);

/** Continue an EM fit by RunMle; the traces are joined and the result reports solver "em+mle". */
FitResult PolishMle(const FitResult& em, const Data& data, const MleOptions& options, Observer& observer,
                    int startIndex = 0);

/**
 * max |d(l/n)/d theta| at `model`'s parameters (PackModel coordinates; only `freeCoordinates` when
 * given, all when empty). The gradient is summed by SumOverCacheBlocks on `threads` threads (the same
 * value for any number).
 */
double GradientNorm(const Model& model, const Data& data, const arma::uvec& freeCoordinates = arma::uvec(),
                    int threads = 1);

/** "em", "mle", "em+mle". */
std::string SolverName(SolverKind solver);
/** Inverse of SolverName; InputError naming the choices otherwise. */
SolverKind SolverFromName(const std::string& name);

}  // namespace moest
