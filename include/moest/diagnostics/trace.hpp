// One row of an EM trace.
#pragma once

#include <vector>

namespace moest {

struct TraceRow {
  int iteration = 0;             // 1-based
  double logLikelihood = 0.0;    // after the E-step of this iteration
  double relativeChange = 0.0;   // (l_t - l_{t-1}) / |l_{t-1}|; 0 for the first row
  double seconds = 0.0;          // wall time of this iteration
  bool decrease = false;         // l_t < l_{t-1} beyond 1e-9 relative: EM should never do this
  double parameterStep = -1.0;   // ||theta_t - theta_{t-1}|| (packed); -1 when not recorded
  bool em = true;                // an EM iteration (false: a direct-optimiser improvement)
};

using Trace = std::vector<TraceRow>;

}  // namespace moest
