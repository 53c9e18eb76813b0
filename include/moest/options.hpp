// Option structs with defaults (never long positional argument lists).
#pragma once

#include <cstdint>

#include "moest/arma.hpp"

namespace moest {

/** How a start is formed. */
enum class StartMethod {
  Mixed,            // the first start by k-means on (x, y), the others random partitions
  KMeans,           // every start k-means on standardised (x, y) with k-means++ seeding
  RandomPartition,  // every start a uniformly random partition of the rows
};

struct EmOptions {
  double tolerance = 1e-8;         // stop when |l_t - l_{t-1}| / |l_{t-1}| < tolerance
  int maxIterations = 1000;        // EM iterations per start
  double varianceFloor = 1e-6;     // expert variances are floored at this multiple of var(y)
  int gateMaxNewton = 25;          // cap on Newton iterations of a gate M-step (reported when hit)
  double gateTolerance = 1e-10;    // relative change of the gate objective ending its Newton loop
  double startSmoothing = 0.05;    // a hard start partition is smoothed to (1 - s) one-hot + s / K
};

struct FitOptions {
  EmOptions em;
  int starts = 10;                        // number of starts; the best final log-likelihood is kept
  StartMethod startMethod = StartMethod::Mixed;
  std::uint64_t seed = 1;                 // every start derives its own seed from this
  arma::uvec initialPartition;            // if non-empty (labels 0..K-1): one start from this partition
  double bestTolerance = 1e-6;            // starts within this relative distance of the best "reach" it
};

}  // namespace moest
