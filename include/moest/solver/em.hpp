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
 * the first step is an M-step on `start`. `startIndex` only labels observer calls. `start` is taken
 * by value: its buffer becomes the responsibilities' (move it in, and a fit holds one n x K matrix
 * fewer).
 */
FitResult RunEm(Model model, const Data& data, arma::mat start, const EmOptions& options,
                Observer& observer, int startIndex = 0);

/** One M-step of every component on responsibilities r; the reports are merged. */
StepReport MStep(Model& model, const Data& data, const arma::mat& r);

/**
 * The stopping checks after iteration `it`'s E-step, in order: a non-finite log-likelihood `logLik`,
 * a component collapsed in the last M-step (`report`), convergence by options.rule (`row` holds the
 * traced value and its relative change; `previous`, `beforePrevious` the two before it), a stop
 * request, the iteration cap. Sets stats.status and message and returns true to stop.
 */
bool EmStops(int it, double logLik, const TraceRow& row, double previous, double beforePrevious,
             const StepReport& report, bool stopRequested, const EmOptions& options, FitStatistics& stats);

/**
 * The status of a finished EM run after its last M-step's `report`: a convergence with a variance at
 * its floor is degenerate; perfectly separated classes are noted.
 */
void FinishEmStatus(const StepReport& report, FitStatistics& stats);

/**
 * Newton steps of the gate per EM iteration after the first M-step (Gate::SetNewtonSteps):
 * options.gateSteps for standard EM; 0 (solved M-steps) for classification EM, which stops when the
 * partition settles, and for stochastic EM, which follows flexmix's SEM.
 */
int GateStepsAfterStart(const EmOptions& options);

/** The absolute variance floor implied by options.varianceFloor for this response. */
double AbsoluteVarianceFloor(const Data& data, const EmOptions& options);

}  // namespace moest
