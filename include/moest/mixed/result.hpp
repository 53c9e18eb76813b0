// Everything a mixed-effects fit returns.
#pragma once

#include <string>
#include <vector>

#include "moest/mixed/groups.hpp"
#include "moest/mixed/options.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

struct MixedFit {
  RandomPlacement placement = RandomPlacement::Gate;
  /**
   * Gate placement: the softmax gate on the design [x, u_1..u_d, w_2 u_1..w_2 u_d, ...] (its last
   * d r rows are the loadings of the random terms w_m: intercept, then slopes; reference column zero) and the experts. Expert placement: the gate
   * on the group-level design and Gaussian experts (fixed effects beta_k, residual sigma_k).
   */
  Model model;
  FitStatistics stats;              // log-likelihood, trace, status, criteria (n = rows)
  std::string integration;          // "adaptive Gauss-Hermite", "Monte Carlo" or "exact"
  arma::uword nodesPerGroup = 0;    // quadrature nodes or Monte Carlo draws per group (gate placement)
  arma::uword quadratureOrder = 0;  // nodes per dimension (0 for Monte Carlo)
  std::vector<int> adaptations;     // iterations after which the grids were re-centred
  /**
   * Variance components. Gate placement: one K r x K r matrix, the covariance of the random effects
   * (A_k u: intercept, then slopes) of every component's logit, r = random terms (reference rows and
   * columns zero; r = 1: the K x K covariance B'B of the random logit shifts beta_k'u). Expert placement: R_k, the covariance of the
   * random effects of component k (r x r).
   */
  std::vector<arma::mat> varianceComponents;
  /**
   * Standard errors of the variance components (same shapes; NaN where none is given), by the delta
   * method from the observed information of the marginal log-likelihood; empty when not computed.
   * The fixed effects' standard errors are in stats.standardErrors.
   */
  std::vector<arma::mat> varianceSe;
  arma::mat ranef;                  // G x d (gate) or G x r (expert): posterior means of the random effects
  arma::mat ranefSd;                // posterior standard deviations, same shape
  arma::mat groupPosterior;         // G x K: expert placement, P(z_i = k | y_i); gate placement, the
                                    // mean member responsibility of each group
  arma::mat responsibilities;       // n x K marginal responsibilities of the rows
  arma::uvec groupLabels;           // G: the caller's group ids in the order of the rows above
};

}  // namespace moest
