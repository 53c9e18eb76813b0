#include "moest/solver/mle.hpp"

#include <nlopt.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "moest/errors.hpp"
#include "moest/io/number_text.hpp"
#include "moest/model/packing.hpp"
#include "moest/solver/cache_block_sums.hpp"
#include "moest/solver/fixed_blocks.hpp"

namespace moest {

namespace {

using Clock = std::chrono::steady_clock;

// Why a run was stopped from inside the objective (NLopt only knows that it was forced).
enum class ForcedBy { Nothing, Gradient, Observer };

// Everything the NLopt callback needs; the best point is kept here because a forced stop does not
// promise to hand it back.
struct RunState {
  NegativeLogLikelihood* objective = nullptr;
  const MleOptions* options = nullptr;
  Observer* observer = nullptr;
  nlopt_opt optimizer = nullptr;
  int startIndex = 0;
  double n = 1.0;  // rows: the trace shows l, the optimiser sees -l/n
  int nextIteration = 1;
  int evaluations = 0;
  double bestValue = std::numeric_limits<double>::infinity();
  double bestGradientNorm = std::numeric_limits<double>::quiet_NaN();
  arma::vec bestTheta;
  ForcedBy forced = ForcedBy::Nothing;
  arma::uvec held;  // coordinates of fixed blocks: their gradient is zeroed (and their bounds pinned)
  Trace trace;
  Clock::time_point last = Clock::now();
};

double Callback(unsigned dimension, const double* x, double* grad, void* data) {
  RunState& state = *static_cast<RunState*>(data);
  ++state.evaluations;
  const arma::vec theta(const_cast<double*>(x), dimension, false, true);
  arma::vec gradient;
  const double value = state.objective->EvaluateWithGradient(theta, gradient);
  if (!state.held.is_empty()) gradient.elem(state.held).zeros();
  const bool finite = std::isfinite(value) && gradient.is_finite();
  if (grad != nullptr) {
    for (unsigned j = 0; j < dimension; ++j) grad[j] = finite ? gradient[j] : 0.0;
  }
  if (!finite) return std::numeric_limits<double>::infinity();
  if (value < state.bestValue) {
    const double previous = state.bestValue;
    state.bestValue = value;
    state.bestTheta = theta;
    state.bestGradientNorm = dimension > 0 ? arma::abs(gradient).max() : 0.0;
    TraceRow row;
    row.iteration = state.nextIteration++;
    row.logLikelihood = -value * state.n;
    row.em = false;
    row.seconds = std::chrono::duration<double>(Clock::now() - state.last).count();
    state.last = Clock::now();
    if (std::isfinite(previous)) row.relativeChange = (previous - value) / std::abs(previous);
    state.trace.push_back(row);
    state.observer->OnIteration(state.startIndex, row);
    if (state.bestGradientNorm < state.options->gradientTolerance) {
      state.forced = ForcedBy::Gradient;
      nlopt_force_stop(state.optimizer);
    }
  }
  if (state.forced == ForcedBy::Nothing && state.observer->ShouldStop()) {
    state.forced = ForcedBy::Observer;
    nlopt_force_stop(state.optimizer);
  }
  return value;
}

// The statistics every finished run reports, from the final parameters.
void Finish(FitResult& result, const Data& data) {
  FitStatistics& stats = result.stats;
  Model& model = result.model;
  stats.logLikelihood = model.LogLikelihood(data, &result.responsibilities);
  stats.objective = model.gate().IsJoint() ? "joint" : "conditional";
  stats.conditionalLogLikelihood =
      model.gate().IsJoint() ? model.ConditionalLogLikelihood(data) : stats.logLikelihood;
  stats.nParameters = model.NumParameters();
  stats.n = data.N();
  stats.criteria = ComputeCriteria(stats.logLikelihood, stats.nParameters, stats.n, result.responsibilities);
}

}  // namespace

NegativeLogLikelihood::NegativeLogLikelihood(const Model& model, const Data& data)
    : model_(model), data_(data), dimension_(PackModel(model).n_elem) {}

double NegativeLogLikelihood::EvaluateWithGradient(const arma::vec& theta, arma::vec& gradient) {
  UnpackModel(model_, theta);
  const double n = static_cast<double>(data_.N());
  const double logLik = LogLikelihoodGradient(model_, data_, gradient);
  gradient *= -1.0 / n;
  return -logLik / n;
}

double GradientNorm(const Model& model, const Data& data, const arma::uvec& freeCoordinates, int threads) {
  arma::vec gradient =
      SumOverCacheBlocks(model, data, threads, [](Model& copy, const Data& rows, arma::uword, arma::uword) {
        arma::vec part;
        LogLikelihoodGradient(copy, rows, part);
        return part;
      });
  if (!freeCoordinates.is_empty()) gradient = gradient.elem(freeCoordinates);
  if (gradient.is_empty()) return 0.0;
  return arma::abs(gradient).max() / static_cast<double>(data.N());
}

FitResult RunMle(Model model, const Data& data, const MleOptions& options, Observer& observer, int startIndex,
                 int firstIteration) {
  if (!options.fixed.empty()) HoldFixedBlocks(model, options.fixed);
  NegativeLogLikelihood objective(model, data);
  const arma::uword dimension = objective.Dimension();
  FitResult result;
  FitStatistics& stats = result.stats;
  stats.solver = "mle";
  const double n = static_cast<double>(data.N());
  if (dimension == 0) {
    result.model = std::move(model);
    Finish(result, data);
    stats.status = FitStatus::Converged;
    stats.message = "no free parameters";
    stats.gradientNorm = 0.0;
    return result;
  }

  RunState state;
  state.objective = &objective;
  state.options = &options;
  state.observer = &observer;
  state.startIndex = startIndex;
  state.n = n;
  state.nextIteration = firstIteration;
  state.optimizer = nlopt_create(NLOPT_LD_LBFGS, static_cast<unsigned>(dimension));
  if (state.optimizer == nullptr) throw InputError("NLopt could not create an L-BFGS optimiser");
  nlopt_set_min_objective(state.optimizer, Callback, &state);
  nlopt_set_ftol_rel(state.optimizer, options.tolerance);
  nlopt_set_maxeval(state.optimizer, options.maxEvaluations);
  nlopt_set_vector_storage(state.optimizer, 20);

  arma::vec theta = PackModel(model);
  if (!options.fixed.empty()) {
    // L-BFGS never moves a coordinate whose gradient is always zero; the pinned bounds say so too.
    const arma::uvec free = FreeCoordinates(model, options.fixed);
    arma::uvec isFree(dimension, arma::fill::zeros);
    isFree.elem(free).ones();
    state.held = arma::find(isFree == 0);
    arma::vec lower(dimension), upper(dimension);
    lower.fill(-HUGE_VAL);
    upper.fill(HUGE_VAL);
    lower.elem(state.held) = theta.elem(state.held);
    upper.elem(state.held) = theta.elem(state.held);
    nlopt_set_lower_bounds(state.optimizer, lower.memptr());
    nlopt_set_upper_bounds(state.optimizer, upper.memptr());
  }
  double minimum = 0.0;
  const nlopt_result code = nlopt_optimize(state.optimizer, theta.memptr(), &minimum);
  nlopt_destroy(state.optimizer);

  stats.trace = state.trace;
  stats.iterations = static_cast<int>(state.trace.size());
  stats.mleEvaluations = state.evaluations;

  if (!std::isfinite(state.bestValue)) {
    result.model = std::move(model);
    Finish(result, data);
    stats.status = FitStatus::NonFinite;
    stats.message = "the log-likelihood was not finite at any point the optimiser tried";
    return result;
  }
  UnpackModel(model, state.bestTheta);
  if (!options.fixed.empty()) HoldFixedBlocks(model, options.fixed);  // exactly, not up to a round trip
  result.model = std::move(model);
  Finish(result, data);
  stats.gradientNorm = state.bestGradientNorm;
  const std::string gradientText = "max |gradient of l/n| = " + NumberText(stats.gradientNorm);
  if (state.forced == ForcedBy::Gradient) {
    stats.status = FitStatus::Converged;
    stats.message = "L-BFGS: " + gradientText + " below " + NumberText(options.gradientTolerance);
  } else if (state.forced == ForcedBy::Observer) {
    stats.status = FitStatus::Interrupted;
    stats.message = "interrupted after " + std::to_string(state.evaluations) + " L-BFGS evaluations";
  } else if (code == NLOPT_SUCCESS || code == NLOPT_FTOL_REACHED || code == NLOPT_XTOL_REACHED ||
             code == NLOPT_STOPVAL_REACHED) {
    stats.status = FitStatus::Converged;
    stats.message = "L-BFGS: relative change of -l/n below " + NumberText(options.tolerance) + "; " + gradientText;
  } else if (code == NLOPT_ROUNDOFF_LIMITED) {
    // The line search can go no further in floating point: a converged run when the gradient agrees.
    const bool flat = stats.gradientNorm < std::sqrt(options.gradientTolerance);
    stats.status = flat ? FitStatus::Converged : FitStatus::MaxIterations;
    stats.message = "L-BFGS stopped at the limit of round-off; " + gradientText;
  } else if (code == NLOPT_MAXEVAL_REACHED || code == NLOPT_MAXTIME_REACHED) {
    stats.status = FitStatus::MaxIterations;
    stats.message = "L-BFGS stopped at the cap of " + std::to_string(options.maxEvaluations) +
                    " evaluations; " + gradientText;
  } else {
    stats.status = FitStatus::MaxIterations;
    stats.message = "L-BFGS failed (NLopt code " + std::to_string(static_cast<int>(code)) + "); " + gradientText;
  }
  return result;
}

FitResult PolishMle(const FitResult& em, const Data& data, const MleOptions& options, Observer& observer,
                    int startIndex) {
  const int next = em.stats.trace.empty() ? 1 : em.stats.trace.back().iteration + 1;
  FitResult polished = RunMle(em.model, data, options, observer, startIndex, next);
  // Keep the EM result when the polish failed or went nowhere better.
  if (polished.stats.status == FitStatus::NonFinite ||
      !(polished.stats.logLikelihood >= em.stats.logLikelihood)) {
    FitResult kept = em;
    kept.stats.solver = "em+mle";
    kept.stats.gradientNorm = GradientNorm(kept.model, data);
    kept.stats.message += "; the L-BFGS polish did not improve the log-likelihood";
    return kept;
  }
  FitStatistics stats = em.stats;
  Trace trace = em.stats.trace;
  trace.insert(trace.end(), polished.stats.trace.begin(), polished.stats.trace.end());
  stats.trace = trace;
  stats.iterations = em.stats.iterations + polished.stats.iterations;
  stats.logLikelihood = polished.stats.logLikelihood;
  stats.conditionalLogLikelihood = polished.stats.conditionalLogLikelihood;
  stats.criteria = polished.stats.criteria;
  stats.gradientNorm = polished.stats.gradientNorm;
  stats.mleEvaluations = polished.stats.mleEvaluations;
  stats.solver = "em+mle";
  // A variance at its floor under EM may have left it in the polish; the EM verdict is then stale.
  stats.varianceFloorBound = false;
  stats.status = polished.stats.status;
  stats.message = "EM: " + em.stats.message + "; then " + polished.stats.message;
  polished.stats = stats;
  return polished;
}

std::string SolverName(SolverKind solver) {
  switch (solver) {
    case SolverKind::Em: return "em";
    case SolverKind::Mle: return "mle";
    case SolverKind::EmMle: return "em+mle";
  }
  return "em";
}

SolverKind SolverFromName(const std::string& name) {
  if (name == "em") return SolverKind::Em;
  if (name == "mle") return SolverKind::Mle;
  if (name == "em+mle") return SolverKind::EmMle;
  throw InputError("unknown solver '" + name + "' (choose em, mle or em+mle)");
}

}  // namespace moest
