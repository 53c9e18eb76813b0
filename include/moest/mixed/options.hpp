// Options of a mixed-effects mixture-of-experts fit (random effects in the gate or in the experts).
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/options.hpp"

namespace moest {

/** Where the group random effects enter the model. */
enum class RandomPlacement {
  Gate,    // random effects in the softmax logits (Fung & Tseung 2025); experts free of them
  Expert,  // random effects in Gaussian experts, the group's component shared by its members
};

/** "gate" or "expert". */
std::string PlacementName(RandomPlacement placement);
/** Inverse of PlacementName; InputError naming the option for anything else. */
RandomPlacement PlacementFromName(const std::string& name);

struct MixedOptions {
  RandomPlacement placement = RandomPlacement::Gate;
  std::string groupName = "group";  // the group column, named in messages
  std::vector<std::string> groupLabels;  // the label of each group id as the user wrote it (messages
                                         // name groups by it); empty: ids are named by number
  std::vector<std::string> randomTerms;  // names of the random-effect design's columns (messages)
  // Gate placement.
  arma::uword dimension = 0;        // dimension d of u_i ~ N(0, I_d); 0: one per random term
  arma::uword quadratureOrder = 15; // Gauss-Hermite nodes per dimension (tensor grid, d <= 3)
  arma::uword monteCarloSize = 0;   // > 0, or d > 3: Monte Carlo EM with this many draws per group
  int adaptPasses = 6;              // grids re-centred at the posteriors at most this many times
  double initialLoading = 0.5;      // starting random-effect loadings (0 is a stationary point)
  int gateNewtonSteps = 3;          // Newton steps per gate M-step on the n Q stacked rows (a
                                    // generalized M-step: each step still raises the objective)
  // Expert placement.
  bool commonVariance = false;      // one residual variance for all components (mixtools arb.sigma = FALSE)
  // Both.
  bool fixVarianceAtZero = false;   // random effects switched off (the plain model, for checks)
  FitOptions fit;                   // starts, seed, EM tolerance and cap, variance floor
};

}  // namespace moest
