#include "moest/solver/fit.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "moest/errors.hpp"
#include "moest/diagnostics/convergence.hpp"
#include "moest/io/design.hpp"
#include "moest/model/label_order.hpp"
#include "moest/rng.hpp"
#include "moest/solver/em.hpp"
#include "moest/solver/mle.hpp"
#include "moest/solver/standard_errors.hpp"
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
  MStep(model, data, start);
  return RunMle(std::move(model), data, options.mle, observer, s);
}

}  // namespace

void ValidateFitInput(const Model& model, const Data& data, const FitOptions& options) {
  const arma::uword n = data.N();
  const arma::uword K = model.K();
  if (K < 1) throw InputError("K must be at least 1");
  if (options.starts < 1) throw InputError("starts must be at least 1 (got " + std::to_string(options.starts) + ")");
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
  for (arma::uword j = 0; j < K; ++j) model.expert(j).ValidateResponse(data.y);
  const arma::uword k = model.NumParameters();
  if (n <= k) {
    throw InputError("K = " + std::to_string(K) + " needs more rows than its " + std::to_string(k) +
                     " free parameters, but the data have " + std::to_string(n) + " rows");
  }
  if (n < 2 || arma::max(data.y.col(0)) == arma::min(data.y.col(0))) {
    std::ostringstream value;
    value << data.y(0, 0);
    throw InputError("the response is constant (every value is " + value.str() +
                     "): there is nothing for a mixture to fit");
  }
  CheckFullRank(data.xExpert, ColumnNumbers(data.xExpert.n_cols), "expert");
  CheckFullRank(data.xGate, ColumnNumbers(data.xGate.n_cols), "gate");
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

FitResult Fit(const Model& prototype, const Data& data, const FitOptions& options, Observer& observer) {
  ValidateFitInput(prototype, data, options);
  const arma::uword K = prototype.K();
  const int nStarts = options.starts;
  FitResult best;
  bool haveBest = false;
  std::vector<double> finals;
  bool interrupted = false;
  for (int s = 0; s < nStarts && !interrupted; ++s) {
    Rng rng(Rng::DeriveSeed(options.seed, static_cast<std::uint64_t>(s)));
    const bool given = s == 0 && !options.initialPartition.is_empty();
    // With a given partition the remaining starts keep the numbering they would have had without it.
    const arma::uvec labels = given ? options.initialPartition
                                    : MakeStartPartition(options.startMethod, s, data, K, rng);
    const arma::mat start = PartitionToResponsibilities(labels, K, options.em.startSmoothing);
    FitResult result = options.solver == SolverKind::Mle
                           ? RunMleFromStart(prototype, data, start, options, observer, s)
                           : RunEm(prototype, data, start, options.em, observer, s);
    observer.OnStartFinished(s, result.stats);
    const bool usable = result.stats.status != FitStatus::NonFinite &&
                        std::isfinite(result.stats.logLikelihood);
    finals.push_back(usable ? result.stats.logLikelihood : std::numeric_limits<double>::quiet_NaN());
    interrupted = result.stats.status == FitStatus::Interrupted;
    // Prefer any usable start over a non-finite one, then the highest log-likelihood.
    const bool better = !haveBest ||
                        (usable && (best.stats.status == FitStatus::NonFinite ||
                                    result.stats.logLikelihood > best.stats.logLikelihood));
    if (better) {
      best = std::move(result);
      best.stats.bestStart = s;
      haveBest = true;
    }
    observer.OnProgress("starts", static_cast<std::size_t>(s + 1), static_cast<std::size_t>(nStarts));
  }
  if (options.solver == SolverKind::EmMle && !interrupted && best.stats.status != FitStatus::NonFinite) {
    const int kept = best.stats.bestStart;
    best = PolishMle(best, data, options.mle, observer, kept);
    best.stats.bestStart = kept;
  }
  if (options.solver == SolverKind::Em && best.stats.status != FitStatus::NonFinite) {
    best.stats.gradientNorm = GradientNorm(best.model, data);
  }
  best.stats.solver = SolverName(options.solver);
  if (options.labelOrder != LabelOrder::None && best.stats.status != FitStatus::NonFinite) {
    PermuteComponents(best.model, CanonicalOrder(best.model, options.labelOrder), best.responsibilities);
  }
  if (options.standardErrors && !interrupted && best.stats.status != FitStatus::NonFinite) {
    best.stats.standardErrors = ComputeStandardErrors(best.model, data);
  }
  if (options.diagnostics && !interrupted && best.stats.status != FitStatus::NonFinite) {
    best.stats.diagnostics = Diagnose(best.model, data, best.stats.trace);
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
