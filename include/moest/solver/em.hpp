// The EM algorithm: a log-space E-step and the gate's and experts' own M-steps. It knows nothing
// about any particular gate or expert family.
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/observer.hpp"
#include "moest/options.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/**
 * Run EM on `model` (modified in place) from responsibilities `start` (n x K, rows summing to 1):
 * the first step is an M-step on `start`. `startIndex` only labels observer calls.
 */
FitResult RunEm(Model model, const Data& data, const arma::mat& start, const EmOptions& options,
                Observer& observer, int startIndex = 0);

/** One M-step of every component on responsibilities r; the reports are merged. */
StepReport MStep(Model& model, const Data& data, const arma::mat& r);

/** The absolute variance floor implied by options.varianceFloor for this response. */
double AbsoluteVarianceFloor(const Data& data, const EmOptions& options);

}  // namespace moest
