// Observed-information standard errors of a mixed-effects fit: a central finite-difference Hessian of
// the marginal (integrated) log-likelihood at the estimate (the gate placement's integral on the final
// adaptive grids, or Monte Carlo draws; the expert placement's exact Gaussian integral), then the delta
// method to the reported parameters, the variance components included.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "moest/model/model.hpp"
#include "moest/solver/standard_errors.hpp"

namespace moest {

/** The marginal log-likelihood of a mixed fit in some unconstrained coordinates. */
struct MarginalLikelihood {
  arma::vec theta;                                         // the coordinates at the estimate
  arma::uvec moving;                                       // the free coordinates (the others stay fixed)
  std::function<double(const arma::vec&)> logLikelihood;  // the marginal log-likelihood
  /** FlattenNatural(model) at the coordinates, then the variance components (`varianceLabels`). */
  std::function<arma::vec(const arma::vec&)> natural;
  std::vector<std::string> varianceLabels;
};

/**
 * The Hessian of `f` at `theta` in the coordinates `moving` by central second differences (step
 * `step` times max(1, |theta_j|)), symmetric.
 */
arma::mat FiniteDifferenceHessian(const std::function<double(const arma::vec&)>& f, const arma::vec& theta,
                                  const arma::uvec& moving, double step);

/**
 * Standard errors of `model`'s natural parameters (blocks, labels and vcov as for plain fits, vcov over
 * the model's parameters) with the non-positive-definite diagnostic of plain fits; `varianceSe`
 * receives the standard errors of the variance components (NaN when none).
 */
StandardErrors MarginalStandardErrors(const MarginalLikelihood& problem, const Model& model, arma::vec& varianceSe);

}  // namespace moest
