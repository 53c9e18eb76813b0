#include "moest/diagnostics/convergence.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "moest/column_view.hpp"
#include "moest/io/number_text.hpp"
#include "moest/model/packing.hpp"
#include "moest/solver/information_columns.hpp"
#include "moest/solver/standard_errors.hpp"

namespace moest {

namespace {

double Median(std::vector<double> values) {
  if (values.empty()) return arma::datum::nan;
  std::sort(values.begin(), values.end());
  const std::size_t m = values.size() / 2;
  return values.size() % 2 == 1 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

}  // namespace

arma::mat CompleteInformation(const Model& model, const Data& data, double step, int threads) {
  arma::mat r;
  model.LogLikelihood(data, &r);
  // Q is a sum of a gate term and one term per expert with disjoint parameters, so I_c is block
  // diagonal: a shifted coordinate moves only its own block's gradient, the others stay exactly equal.
  const arma::uword m = PackModel(model).n_elem;
  std::vector<arma::uword> owner(m), begin(model.K() + 1);
  arma::uword at = model.gate().Pack().n_elem;
  for (arma::uword j = 0; j < at; ++j) owner[j] = 0;
  for (arma::uword k = 0; k < model.K(); ++k) {
    begin[k + 1] = at;
    const arma::uword size = model.expert(k).Pack().n_elem;
    for (arma::uword j = at; j < at + size; ++j) owner[j] = k + 1;
    at += size;
  }
  // The moving block's gradient at r held fixed, in its place among the m coordinates; summed block by
  // block of rows, as the observed information (solver/information_columns.hpp).
  return NegativeDifferenceJacobianByRows(
      model, data, step, threads,
      [&](const Model& probe, arma::uword j, const Data& rows, arma::uword first, arma::uword last, arma::mat& weights) {
        weights = r.rows(first, last);
        arma::vec part;
        if (owner[j] == 0) {
          probe.gate().GradLogJointWeights(rows, weights, part);
        } else {
          probe.expert(owner[j] - 1).GradLogDensity(rows, ColumnView(weights, owner[j] - 1), part);
        }
        arma::vec gradient(m, arma::fill::zeros);
        if (!part.is_empty()) gradient.subvec(begin[owner[j]], begin[owner[j]] + part.n_elem - 1) = part;
        return gradient;
      });
}

double MissingInformationRate(const Model& model, const Data& data, const arma::uvec& freeCoordinates,
                              const InformationOptions& options) {
  const arma::uword m = PackModel(model).n_elem;
  if (m == 0) return 0.0;
  const arma::uvec moving = freeCoordinates.is_empty() ? AllCoordinates(m) : freeCoordinates;
  const arma::mat complete = CompleteInformation(model, data, 1e-5, options.threads).submat(moving, moving);
  const arma::mat observed = options.observed != nullptr
                                 ? arma::mat(options.observed->submat(moving, moving))
                                 : arma::mat(ObservedInformation(model, data, 1e-5, options.threads).submat(moving, moving));
  if (!complete.is_finite() || !observed.is_finite()) return arma::datum::nan;
  arma::mat lower;
  // A direction the complete data do not identify (an empty or duplicated component): EM's rate
  // tends to 1 along it, which is what over-fitted fits show.
  if (!arma::chol(lower, complete, "lower")) return 1.0;
  // I_c^-1 I_obs is similar to the symmetric L^-1 I_obs L^-T (I_c = L L').
  const arma::mat inverse = arma::inv(arma::trimatl(lower));
  arma::mat similar = inverse * observed * inverse.t();
  similar = 0.5 * (similar + similar.t());
  arma::vec eigenvalues;
  if (!arma::eig_sym(eigenvalues, similar)) return arma::datum::nan;
  return 1.0 - eigenvalues.min();
}

void TraceRates(const Trace& trace, ConvergenceDiagnostics& out) {
  std::vector<const TraceRow*> rows;
  for (const TraceRow& row : trace) {
    if (row.em) rows.push_back(&row);
  }
  // Ratios only from changes well above the round-off of a sum over n rows.
  std::vector<double> logRates, parameterRates;
  double aitken = arma::datum::nan;
  for (std::size_t t = 2; t < rows.size(); ++t) {
    const double scale = 1e-11 * std::max(1.0, std::abs(rows[t]->logLikelihood));
    const double last = rows[t]->logLikelihood - rows[t - 1]->logLikelihood;
    const double before = rows[t - 1]->logLikelihood - rows[t - 2]->logLikelihood;
    if (!(std::abs(last) > scale && std::abs(before) > scale)) continue;
    const double a = last / before;
    logRates.push_back(a);
    if (a < 1.0) aitken = rows[t - 1]->logLikelihood + last / (1.0 - a);
    const double s = rows[t]->parameterStep, sBefore = rows[t - 1]->parameterStep;
    if (s >= 0.0 && sBefore > 0.0) parameterRates.push_back(s / sBefore);
  }
  const std::size_t window = 5;
  if (logRates.size() > window) logRates.erase(logRates.begin(), logRates.end() - window);
  if (parameterRates.size() > window) parameterRates.erase(parameterRates.begin(), parameterRates.end() - window);
  const double ratio = Median(logRates);
  out.logLikelihoodRate = ratio >= 0.0 ? std::sqrt(ratio) : arma::datum::nan;
  out.parameterRate = Median(parameterRates);
  out.aitkenLogLikelihood = aitken;
}

ConvergenceDiagnostics Diagnose(const Model& model, const Data& data, const Trace& trace,
                                const arma::uvec& freeCoordinates, const InformationOptions& information) {
  ConvergenceDiagnostics out;
  out.computed = true;
  for (const TraceRow& row : trace) out.decreases += row.decrease ? 1 : 0;
  TraceRates(trace, out);
  if (information.missingInformationRate) {
    out.missingInformationRate = MissingInformationRate(model, data, freeCoordinates, information);
  }
  double highest = -arma::datum::inf;
  for (double rate : {out.logLikelihoodRate, out.parameterRate, out.missingInformationRate}) {
    if (std::isfinite(rate)) highest = std::max(highest, rate);
  }
  out.rateNearOne = highest > kNearOneRate;
  if (out.missingInformationRate == 1.0) {
    out.note = "the complete-data information is singular at the estimate: some parameter is not identified even "
               "with the component labels known (a component with almost no weight, or two components that "
               "coincide), so the fit looks over-fitted and EM's rate tends to 1 (sub-linear convergence; a "
               "relative-tolerance stop may have halted early); try fewer components";
  } else if (out.rateNearOne) {
    out.note = "EM's linear rate is near 1 (" + NumberText(highest, "%.3g") +
               "): the fit looks singular or over-fitted (more components than the data support, or two "
               "nearly equal). EM is sub-linear there, so a relative-tolerance stop may have halted early; "
               "try fewer components, or solver em+mle.";
  } else if (std::isfinite(highest)) {
    out.note = "EM converges linearly at about " + NumberText(highest, "%.3g") + " per iteration";
    if (std::isfinite(out.missingInformationRate)) {
      out.note += " (fraction of missing information " + NumberText(out.missingInformationRate, "%.3g") + ")";
    }
  }
  if (information.missingInformationRate && std::isnan(out.missingInformationRate)) {
    out.note += (out.note.empty() ? "" : "; ") +
                std::string("the information matrices have non-finite entries at the estimate, so the fraction "
                            "of missing information is not defined");
  }
  if (out.decreases > 0) {
    out.note += (out.note.empty() ? "" : "; ") + std::string("the log-likelihood decreased in ") +
                std::to_string(out.decreases) + " iteration" + (out.decreases == 1 ? "" : "s") +
                " (EM should never do this: a sign of an inexact M-step or round-off)";
  }
  return out;
}

}  // namespace moest
