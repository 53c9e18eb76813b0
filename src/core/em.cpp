#include "moest/solver/em.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "moest/column_view.hpp"
#include "moest/expert/gaussian.hpp"
#include "moest/model/packing.hpp"
#include "moest/solver/em_variants.hpp"
#include "moest/solver/fixed_blocks.hpp"

namespace moest {

namespace {

using Clock = std::chrono::steady_clock;

std::string Short(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int GateStepsAfterStart(const EmOptions& options) {
  return options.variant == EmVariant::Standard ? options.gateSteps : 0;
}

double AbsoluteVarianceFloor(const Data& data, const EmOptions& options) {
  // The smallest column variance: a multivariate expert floors every column's scale at this one.
  const double spread = data.N() > 1 && data.y.n_cols > 0 ? arma::var(data.y).min() : 1.0;
  return options.varianceFloor * (spread > 0.0 ? spread : 1.0);
}

StepReport MStep(Model& model, const Data& data, const arma::mat& r) {
  StepReport report = model.gate().FitResponsibilities(data, r);
  if (!report.note.empty()) report.note = "gate: " + report.note;
  // Gaussian experts on one design share one pass over the rows; any other model fits its experts
  // one at a time.
  std::vector<StepReport> joint;
  const bool together = FitGaussianExpertsJointly(model, data, r, joint);
  for (arma::uword k = 0; k < model.K(); ++k) {
    StepReport expertReport = together ? joint[k] : model.expert(k).FitWeighted(data, ColumnView(r, k));
    if (!expertReport.note.empty()) {
      expertReport.note = "expert " + std::to_string(k + 1) + ": " + expertReport.note;
    }
    report.Merge(expertReport);
  }
  return report;
}

bool EmStops(int it, double logLik, const TraceRow& row, double previous, double beforePrevious,
             const StepReport& report, bool stopRequested, const EmOptions& options, FitStatistics& stats) {
  const bool stochastic = options.variant == EmVariant::Stochastic;
  if (!std::isfinite(logLik)) {
    stats.status = FitStatus::NonFinite;
    stats.message = "the log-likelihood became " + Short(logLik) + " at iteration " +
                    std::to_string(it);
    return true;
  }
  if (report.singular) {
    stats.status = FitStatus::Degenerate;
    stats.message = "a component collapsed (" + report.note + ")";
    return true;
  }
  if (!stochastic && options.rule == StoppingRule::Relative && it > 1 && std::abs(row.relativeChange) < options.tolerance) {
    stats.status = FitStatus::Converged;
    stats.message = "relative change of the log-likelihood below " + Short(options.tolerance);
    return true;
  }
  if (!stochastic && options.rule == StoppingRule::Aitken && it > 2) {
    // Aitken's l_inf from the last three values (Boehning et al. 1994; McNicholas 2010).
    const double step = row.logLikelihood - previous, stepBefore = previous - beforePrevious;
    const double a = stepBefore != 0.0 ? step / stepBefore : 0.0;
    const double limit = a < 1.0 ? previous + step / (1.0 - a) : arma::datum::inf;
    if (step == 0.0 || std::abs(limit - row.logLikelihood) < options.tolerance * std::abs(row.logLikelihood)) {
      stats.status = FitStatus::Converged;
      stats.message = "Aitken's asymptotic log-likelihood within " + Short(options.tolerance) +
                      " (relative) of the current one";
      return true;
    }
  }
  if (stopRequested) {
    stats.status = FitStatus::Interrupted;
    stats.message = "interrupted at iteration " + std::to_string(it);
    return true;
  }
  if (it >= options.maxIterations && stochastic && options.maxIterations > 1) {
    stats.status = FitStatus::Converged;  // a stochastic chain has no pointwise limit: it runs the cap
    stats.message = "stochastic EM ran its " + std::to_string(options.maxIterations) + " iterations";
    return true;
  }
  if (it >= options.maxIterations) {
    stats.status = FitStatus::MaxIterations;
    stats.message = "stopped at the cap of " + std::to_string(options.maxIterations) +
                    " iterations before the log-likelihood settled";
    return true;
  }
  return false;
}

void FinishEmStatus(const StepReport& report, FitStatistics& stats) {
  stats.varianceFloorBound = report.varianceFloorBound;
  if (report.varianceFloorBound && stats.status == FitStatus::Converged) {
    stats.status = FitStatus::Degenerate;
    stats.message = "converged with a variance at its floor (" + report.note +
                    "): the likelihood is unbounded there, so this is a degenerate solution";
  }
  if (report.separated && stats.status == FitStatus::Converged) {
    stats.message += "; the classes are perfectly separated in a component (fitted probabilities numerically 0 or "
                     "1), so the maximum-likelihood estimates do not exist and its coefficients are arbitrary";
  }
}

FitResult RunEm(Model model, const Data& data, arma::mat start, const EmOptions& options,
                Observer& observer, int startIndex) {
  const double floor = AbsoluteVarianceFloor(data, options);
  for (arma::uword k = 0; k < model.K(); ++k) model.expert(k).SetVarianceFloor(floor);
  model.gate().SetInnerControl(options.gateMaxNewton, options.gateTolerance);
  model.gate().SetNewtonSteps(0);  // the first M-step, from the start, is solved

  FitResult result;
  FitStatistics& stats = result.stats;
  arma::mat& r = result.responsibilities;
  auto last = Clock::now();
  if (!options.fixed.empty()) HoldFixedBlocks(model, options.fixed);
  Rng variantRng(options.stochasticSeed);
  const bool stochastic = options.variant == EmVariant::Stochastic;
  arma::mat hardStart;  // CEM starts from the start's hard partition (a copy only then: it is n x K)
  if (options.variant == EmVariant::Classification) {
    hardStart = start;
    ApplyEmVariant(options.variant, 0.0, hardStart, nullptr);
  }
  StepReport report =
      MStepHolding(model, data, options.variant == EmVariant::Classification ? hardStart : start, options.fixed);
  stats.gateCapHits += report.innerCapHit ? 1 : 0;
  model.gate().SetNewtonSteps(GateStepsAfterStart(options));
  r = std::move(start);  // the E-steps overwrite it
  hardStart.reset();
  double previous = 0.0, beforePrevious = 0.0;
  arma::vec previousTheta;
  for (int it = 1;; ++it) {
    const double logLik = model.EStep(data, r);
    const double traced = ApplyEmVariant(options.variant, logLik, r, &variantRng);
    TraceRow row;
    row.iteration = it;
    row.logLikelihood = traced;
    const arma::vec theta = PackModel(model);  // norms of the steps only: the rates need no more
    if (it > 1) {
      row.relativeChange = (traced - previous) / std::abs(previous);
      row.decrease = row.relativeChange < -1e-9 && !stochastic;  // a stochastic chain may go down
      if (theta.n_elem == previousTheta.n_elem) row.parameterStep = arma::norm(theta - previousTheta);
    }
    previousTheta = theta;
    row.seconds = SecondsSince(last);
    last = Clock::now();
    stats.trace.push_back(row);
    stats.iterations = it;
    stats.logLikelihood = logLik;
    observer.OnIteration(startIndex, row);

    if (EmStops(it, logLik, row, previous, beforePrevious, report, observer.ShouldStop(), options, stats)) break;
    report = MStepHolding(model, data, r, options.fixed);
    stats.gateCapHits += report.innerCapHit ? 1 : 0;
    beforePrevious = previous;
    previous = traced;
  }
  // The variants' hard weights fed the M-steps; the result reports the posterior at the estimate.
  if (options.variant != EmVariant::Standard) model.EStep(data, r);
  model.gate().SetNewtonSteps(0);
  FinishEmStatus(report, stats);
  stats.objective = model.gate().IsJoint() ? "joint" : "conditional";
  stats.conditionalLogLikelihood =
      model.gate().IsJoint() ? model.ConditionalLogLikelihood(data) : stats.logLikelihood;
  stats.nParameters = model.NumParameters();
  stats.n = data.N();
  stats.criteria = ComputeCriteria(stats.logLikelihood, stats.nParameters, stats.n, r);
  result.model = std::move(model);
  return result;
}

}  // namespace moest
