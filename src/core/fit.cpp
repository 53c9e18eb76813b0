#include "moest/solver/fit.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "moest/blas_threads.hpp"
#include "moest/errors.hpp"
#include "moest/diagnostics/convergence.hpp"
#include "moest/io/design.hpp"
#include "moest/model/label_order.hpp"
#include "moest/rng.hpp"
#include "moest/solver/dense_warm_start.hpp"
#include "moest/solver/em.hpp"
#include "moest/solver/fixed_blocks.hpp"
#include "moest/solver/mle.hpp"
#include "moest/solver/parallel_starts.hpp"
#include "moest/solver/standard_errors.hpp"
#include "moest/solver/start_model.hpp"
#include "moest/solver/starts.hpp"

namespace moest {

namespace {

void CheckFinite(const arma::mat& m, const std::string& what) {
  if (m.is_finite()) return;  // the common case, vectorised; the loop below only finds the culprit
  for (arma::uword j = 0; j < m.n_cols; ++j) {
    for (arma::uword i = 0; i < m.n_rows; ++i) {
      if (!std::isfinite(m(i, j))) {
        std::ostringstream message;
        message << what << " has a non-finite value (" << m(i, j) << ") in row " << i + 1;
        if (m.n_cols > 1) message << ", column " << j + 1;
        throw InputError(message.str());
      }
    }
  }
}

std::vector<std::string> ColumnNumbers(arma::uword p) {
  std::vector<std::string> names;
  for (arma::uword j = 0; j < p; ++j) names.push_back("column " + std::to_string(j + 1));
  return names;
}

// Direct maximum likelihood from a start partition: one M-step gives the starting parameters.
FitResult RunMleFromStart(const Model& prototype, const Data& data, const arma::mat& start,
                          const FitOptions& options, Observer& observer, int s) {
  Model model = prototype;
  const double floor = AbsoluteVarianceFloor(data, options.em);
  for (arma::uword k = 0; k < model.K(); ++k) model.expert(k).SetVarianceFloor(floor);
  model.gate().SetInnerControl(options.em.gateMaxNewton, options.em.gateTolerance);
  if (!options.em.fixed.empty()) HoldFixedBlocks(model, options.em.fixed);
  MStepHolding(model, data, start, options.em.fixed);
  return RunMle(std::move(model), data, options.mle, observer, s);
}

// The EM options of start `s`: one-step mode stops after the first iteration; stochastic EM draws
// from the start's own stream, so the fit is the same for any number of threads.
EmOptions StartEmOptions(const FitOptions& options, int s) {
  EmOptions em = options.em;
  if (options.oneStep) em.maxIterations = 1;
  em.stochasticSeed = StochasticEmSeed(Rng::DeriveSeed(options.seed, static_cast<std::uint64_t>(s)));
  return em;
}

// A start from given parameters: EM begins with the E-step at them (RunEm's first M-step is then on
// their responsibilities); direct maximum likelihood begins at them.
FitResult RunFromModel(const FitOptions& options, const Data& data, Observer& observer) {
  Model model = options.startModel;
  if (options.solver == SolverKind::Mle) {
    const double floor = AbsoluteVarianceFloor(data, options.em);
    for (arma::uword k = 0; k < model.K(); ++k) model.expert(k).SetVarianceFloor(floor);
    return RunMle(std::move(model), data, options.mle, observer, 0);
  }
  arma::mat r;
  model.LogLikelihood(data, &r);
  return RunEm(std::move(model), data, std::move(r), StartEmOptions(options, 0), observer, 0);
}

// Short EM (em-EM): runs of a few iterations from random partitions; the one with the highest
// log-likelihood is continued to convergence from where it stopped.
FitResult RunShortEm(const Model& prototype, const Data& data, const FitOptions& options, Rng& rng,
                     Observer& observer, int s) {
  EmOptions shortOptions = StartEmOptions(options, s);
  shortOptions.maxIterations = options.shortEm.iterations;
  arma::mat bestResponsibilities;
  double bestLogLik = -arma::datum::inf;
  for (int run = 0; run < options.shortEm.runs; ++run) {
    if (observer.ShouldStop()) break;
    const arma::uvec labels = RandomPartition(data.N(), prototype.K(), rng);
    arma::mat start = PartitionToResponsibilities(labels, prototype.K(), options.em.startSmoothing);
    SilentObserver silent;
    FitResult trial = RunEm(prototype, data, std::move(start), shortOptions, silent, s);
    if (bestResponsibilities.is_empty() || trial.stats.logLikelihood > bestLogLik) {
      bestLogLik = trial.stats.logLikelihood;
      bestResponsibilities = std::move(trial.responsibilities);
    }
  }
  if (bestResponsibilities.is_empty()) {  // stopped before the first run
    bestResponsibilities = PartitionToResponsibilities(RandomPartition(data.N(), prototype.K(), rng),
                                                       prototype.K(), options.em.startSmoothing);
  }
  // The kept run's last E-step gave these responsibilities: the next M-step continues it exactly.
  return RunEm(prototype, data, std::move(bestResponsibilities), StartEmOptions(options, s), observer, s);
}

// Start `s` of a fit: the given parameters, the given partition, short EM, or a start partition.
FitResult RunStart(const Model& prototype, const Data& data, const FitOptions& options, int s,
                   Observer& observer) {
  if (s == 0 && !options.startModel.empty()) return RunFromModel(options, data, observer);
  Rng rng(Rng::DeriveSeed(options.seed, static_cast<std::uint64_t>(s)));
  if (options.startMethod == StartMethod::ShortEm && !(s == 0 && !options.initialPartition.is_empty())) {
    return RunShortEm(prototype, data, options, rng, observer, s);
  }
  const arma::uword K = prototype.K();
  const bool given = s == 0 && !options.initialPartition.is_empty();
  // With a given partition the remaining starts keep the numbering they would have had without it.
  const arma::uvec labels = given ? options.initialPartition
                                  : MakeStartPartition(options.startMethod, s, data, K, rng);
  arma::mat start = PartitionToResponsibilities(labels, K, options.em.startSmoothing);
  if (options.solver == SolverKind::Mle) return RunMleFromStart(prototype, data, start, options, observer, s);
  if (options.oneStep || DenseRelaxation(prototype, data.xGate.n_cols).empty()) {
    return RunEm(prototype, data, std::move(start), StartEmOptions(options, s), observer, s);
  }
  // A top-K gate: EM from the dense gate's fit, starting with the E-step at its parameters. The
  // warm-up is standard EM whatever the variant (a stochastic chain would run its whole cap twice).
  EmOptions warmUp = options.em;
  warmUp.variant = EmVariant::Standard;
  const Model warm = DenseWarmStart(prototype, data, start, warmUp, observer, s);
  arma::mat r;
  warm.LogLikelihood(data, &r);
  return RunEm(warm, data, std::move(r), StartEmOptions(options, s), observer, s);
}

}  // namespace

void ValidateFitInput(const Model& model, const Data& data, const FitOptions& options) {
  const arma::uword n = data.N();
  const arma::uword K = model.K();
  if (K < 1) throw InputError("K must be at least 1");
  if (options.starts < 1) throw InputError("starts must be at least 1 (got " + std::to_string(options.starts) + ")");
  if (options.threads < 0) {
    throw InputError("threads must be 0 (all cores) or more (got " + std::to_string(options.threads) + ")");
  }
  if (options.startMethod == StartMethod::ShortEm && (options.shortEm.runs < 1 || options.shortEm.iterations < 1)) {
    throw InputError("short-EM starts need at least 1 run of at least 1 iteration");
  }
  if (options.oneStep && options.startModel.empty()) {
    throw InputError("one-step mode needs start parameters (a start model) to step from");
  }
  if (options.em.variant != EmVariant::Standard && options.solver == SolverKind::Mle) {
    throw InputError("the EM variant " + EmVariantName(options.em.variant) +
                     " needs an EM solver (em or em+mle), not mle");
  }
  if (options.oneStep && options.solver != SolverKind::Em) {
    throw InputError("one-step mode is an EM step: use solver em");
  }
  if (!options.startModel.empty()) CheckStartModel(model, options.startModel);
  if (!options.fixed.empty()) ResolveFixedBlocks(options.fixed, options.startModel);
  if (!(options.em.tolerance > 0.0)) throw InputError("the tolerance must be positive");
  if (options.em.maxIterations < 1) throw InputError("the iteration cap must be at least 1");
  if (options.solver != SolverKind::Em) {
    if (!(options.mle.tolerance > 0.0)) throw InputError("the MLE tolerance must be positive");
    if (!(options.mle.gradientTolerance > 0.0)) throw InputError("the MLE gradient tolerance must be positive");
    if (options.mle.maxEvaluations < 1) throw InputError("the MLE evaluation cap must be at least 1");
  }
  if (!(options.em.varianceFloor >= 0.0)) throw InputError("the variance floor must not be negative");
  if (!(options.em.startSmoothing >= 0.0 && options.em.startSmoothing < 1.0)) {
    throw InputError("the start smoothing must be in [0, 1)");
  }
  if (data.xExpert.n_rows != n || data.xGate.n_rows != n) {
    throw InputError("the response has " + std::to_string(n) + " rows but the expert design has " +
                     std::to_string(data.xExpert.n_rows) + " and the gate design " +
                     std::to_string(data.xGate.n_rows));
  }
  if (data.y.n_cols < 1) throw InputError("the response has no column");
  CheckFinite(data.y, "the response");
  CheckFinite(data.xExpert, "the expert design");
  CheckFinite(data.xGate, "the gate design");
  if (data.offset != nullptr) {
    for (arma::uword j = 0; j < K; ++j) {
      if (!model.expert(j).UsesOffset()) {
        throw InputError("an offset enters only poisson experts, not " + model.expert(j).Family() + " experts");
      }
    }
    if (data.offset->n_elem != n) {
      throw InputError("the offset has " + std::to_string(data.offset->n_elem) + " values but the data have " +
                       std::to_string(n) + " rows");
    }
    CheckFinite(*data.offset, "the offset");
  }
  for (arma::uword j = 0; j < K; ++j) {
    const Expert& expert = model.expert(j);
    if (expert.ResponseColumns() != data.y.n_cols) {
      throw InputError("the response has " + std::to_string(data.y.n_cols) + " columns but expert '" +
                       expert.Spec().ToString() + "' models " + std::to_string(expert.ResponseColumns()) +
                       (data.y.n_cols > 1 && expert.ResponseColumns() == 1
                            ? " (a multivariate response needs the expert option mvn)"
                            : ""));
    }
    expert.ValidateResponse(data.y);
  }
  const arma::uword k = model.NumParameters();
  if (n <= k) {
    throw InputError("K = " + std::to_string(K) + " needs more rows than its " + std::to_string(k) +
                     " free parameters, but the data have " + std::to_string(n) + " rows");
  }
  for (arma::uword j = 0; j < data.y.n_cols; ++j) {
    if (n < 2 || arma::max(data.y.col(j)) == arma::min(data.y.col(j))) {
      std::ostringstream value;
      value << data.y(0, j);
      throw InputError("the response" + (data.y.n_cols > 1 ? " column " + std::to_string(j + 1) : std::string()) +
                       " is constant (every value is " + value.str() + "): there is nothing for a mixture to fit");
    }
  }
  // Squares of values above about 1e154 overflow a double (variances, residual sums of squares).
  const double largest = arma::abs(data.y).max();
  if (largest > 1e150) {
    std::ostringstream value;
    value << largest;
    throw InputError("the response reaches " + value.str() +
                     " in absolute value, too large to square in double precision: rescale it (for example "
                     "divide it by a power of 10)");
  }
  CheckFullRank(data.xExpert, ColumnNumbers(data.xExpert.n_cols), "expert");
  if (&data.xGate != &data.xExpert) CheckFullRank(data.xGate, ColumnNumbers(data.xGate.n_cols), "gate");
  if (!options.initialPartition.is_empty()) {
    if (options.initialPartition.n_elem != n) {
      throw InputError("the initial partition has " + std::to_string(options.initialPartition.n_elem) +
                       " labels but the data have " + std::to_string(n) + " rows");
    }
    if (options.initialPartition.max() >= K) {
      throw InputError("the initial partition has a label above K = " + std::to_string(K) +
                       " (labels run from 1 to K)");
    }
  }
}

FitResult Fit(const Model& prototype, const Data& data, const FitOptions& given, Observer& observer) {
  const OneBlasThread blas;  // moest's threads are the parallel ones (moest/blas_threads.hpp)
  ValidateFitInput(prototype, data, given);
  FitOptions options = given;
  options.em.fixed = options.mle.fixed = ResolveFixedBlocks(given.fixed, given.startModel);
  // One-step mode runs only the given start; otherwise every start, on as many threads as asked.
  const int nStarts = options.oneStep ? 1 : options.starts;
  const StartTask task = [&](int s, Observer& recorder) {
    FitResult result = RunStart(prototype, data, options, s, recorder);
    // A copy of a model carries no scratch space: the start's n x K workspaces are released now, for
    // the thread's next start to reuse (moest/huge_pages.hpp), not held until every start has ended.
    result.model = Model(result.model);
    return result;
  };
  std::vector<StartOutcome> outcomes = RunStartsInParallel(nStarts, options.threads, task, observer);

  FitResult best;
  bool haveBest = false;
  std::vector<double> finals;
  bool interrupted = false;
  for (int s = 0; s < nStarts; ++s) {
    if (!outcomes[s].ran) {
      interrupted = true;
      continue;
    }
    FitResult& result = outcomes[s].result;
    const bool usable = result.stats.status != FitStatus::NonFinite &&
                        std::isfinite(result.stats.logLikelihood);
    finals.push_back(usable ? result.stats.logLikelihood : std::numeric_limits<double>::quiet_NaN());
    interrupted = interrupted || result.stats.status == FitStatus::Interrupted;
    // Prefer any usable start over a non-finite one, then the highest log-likelihood (the first
    // in start order among equals, whatever the number of threads).
    const bool better = !haveBest ||
                        (usable && (best.stats.status == FitStatus::NonFinite ||
                                    result.stats.logLikelihood > best.stats.logLikelihood));
    if (better) {
      best = std::move(result);
      best.stats.bestStart = s;
      haveBest = true;
    }
  }
  outcomes.clear();  // the other starts' n x K responsibilities
  if (!haveBest) {  // interrupted before any start began
    best.model = prototype;
    best.stats.status = FitStatus::Interrupted;
    best.stats.message = "interrupted before the first start";
  }
  if (options.oneStep) {
    best.stats.message = "one-step mode: one E-step and one M-step from the given start parameters";
  }
  if (options.solver == SolverKind::EmMle && !interrupted && !options.oneStep &&
      best.stats.status != FitStatus::NonFinite) {
    const int kept = best.stats.bestStart;
    best = PolishMle(best, data, options.mle, observer, kept);
    best.stats.bestStart = kept;
  }
  const FixedBlocks& fixed = options.em.fixed;
  const arma::uvec free = fixed.empty() ? arma::uvec() : FreeCoordinates(best.model, fixed);
  if (options.solver != SolverKind::Mle && best.stats.status != FitStatus::NonFinite) {
    best.stats.gradientNorm = GradientNorm(best.model, data, free, options.threads);
  }
  if (!fixed.empty() && haveBest) {  // fixed parameters are not estimated: they do not count
    best.stats.nParameters = free.n_elem;
    best.stats.criteria = ComputeCriteria(best.stats.logLikelihood, free.n_elem, data.N(), best.responsibilities);
  }
  best.stats.solver = SolverName(options.solver);
  if (options.labelOrder != LabelOrder::None && best.stats.status != FitStatus::NonFinite) {
    PermuteComponents(best.model, CanonicalOrder(best.model, options.labelOrder), best.responsibilities);
  }
  // One step ends away from the optimum, where neither the information nor the rates mean anything.
  const bool atOptimum = !interrupted && !options.oneStep && best.stats.status != FitStatus::NonFinite;
  // The observed information is formed once and serves both the standard errors and the rate of
  // missing information; without standard errors neither is formed (the costly part of a large fit).
  InformationOptions information;
  information.threads = options.threads;
  information.missingInformationRate = options.standardErrors;
  arma::mat observed;
  if (options.standardErrors && atOptimum) {
    observed = ObservedInformation(best.model, data, 1e-5, options.threads);
    information.observed = &observed;
    best.stats.standardErrors = ComputeStandardErrors(best.model, data, free, options.standardErrorType, information);
  } else if (!options.standardErrors && atOptimum) {
    // Recorded (and written to the model file) so that summaries say why there is no Wald table.
    StandardErrors& none = best.stats.standardErrors;
    none.computed = true;
    none.method = "none";
    none.message = "se = none was asked for";
  }
  if (options.diagnostics && atOptimum) {
    best.stats.diagnostics = Diagnose(best.model, data, best.stats.trace, free, information);
  }
  if (options.solver != SolverKind::Mle) {
    best.stats.emVariant = EmVariantName(options.em.variant);
    const std::string note = EmVariantNote(options.em.variant);
    if (!note.empty()) best.stats.message += (best.stats.message.empty() ? "" : "; ") + note;
  }
  if (interrupted) best.stats.status = FitStatus::Interrupted;
  best.stats.seed = options.seed;
  best.stats.startLogLikelihoods = finals;
  int reaching = 0;
  for (double value : finals) {
    if (std::isfinite(value) &&
        std::abs(value - best.stats.logLikelihood) <= options.bestTolerance * std::abs(best.stats.logLikelihood)) {
      ++reaching;
    }
  }
  best.stats.startsReachingBest = reaching;
  return best;
}

}  // namespace moest
