// Convergence diagnostics of a fit (THEORY.md section 4): decreases in the trace, the empirical
// linear rate from the log-likelihood and from the parameters, Aitken's asymptotic log-likelihood,
// and the fraction of missing information as the theoretical EM rate.
#pragma once

#include <string>

#include "moest/data.hpp"
#include "moest/diagnostics/trace.hpp"
#include "moest/model/model.hpp"
#include "moest/solver/standard_errors.hpp"

namespace moest {

struct ConvergenceDiagnostics {
  bool computed = false;
  int decreases = 0;                                 // trace rows flagged as decreases
  // sqrt(a_t), a_t = (l_t+1 - l_t) / (l_t - l_t-1) late in the run: l_t - l_inf shrinks like the
  // square of theta_t - theta_hat, so a_t tends to rate^2 and its root to the linear rate.
  double logLikelihoodRate = arma::datum::nan;
  double parameterRate = arma::datum::nan;           // ||theta_t+1 - theta_t|| / ||theta_t - theta_t-1||
  double aitkenLogLikelihood = arma::datum::nan;     // l_inf = l_t + (l_t+1 - l_t) / (1 - a_t)
  double missingInformationRate = arma::datum::nan;  // largest eigenvalue of I_c^-1 I_m at the estimate
  bool rateNearOne = false;                          // some rate above kNearOneRate
  std::string note;                                  // plain-language reading of the above
};

/** A rate above this is "near 1": EM is (close to) sub-linear there. */
constexpr double kNearOneRate = 0.95;

/**
 * The complete-data information I_c = -d2 Q(theta | theta_hat) / d theta2 at theta_hat in PackModel's
 * coordinates: central differences of the complete-data gradient with the responsibilities held at
 * their values under `model` (the components' own gradient contracts), symmetrised.
 */
arma::mat CompleteInformation(const Model& model, const Data& data, double step = 1e-5, int threads = 1);

/**
 * The largest eigenvalue of I_c^-1 I_m = I - I_c^-1 I_obs: Dempster, Laird and Rubin's rate of EM at
 * the estimate (invariant to the parametrisation). 1 when I_c is not positive definite (a direction
 * the complete data do not identify, where EM's rate tends to 1); NaN only for non-finite matrices.
 */
double MissingInformationRate(const Model& model, const Data& data,
                              const arma::uvec& freeCoordinates = arma::uvec(),
                              const InformationOptions& information = InformationOptions());

/**
 * The empirical rates from the last EM rows of `trace` whose log-likelihood changes stand above
 * round-off (their median over up to 5 rows), Aitken's estimate from the last such rows.
 */
void TraceRates(const Trace& trace, ConvergenceDiagnostics& out);

/**
 * Every diagnostic for a fit that ended at `model` with `trace` (EM rows only are used for rates);
 * `freeCoordinates` as for ComputeStandardErrors (fixed blocks excluded).
 */
ConvergenceDiagnostics Diagnose(const Model& model, const Data& data, const Trace& trace,
                                const arma::uvec& freeCoordinates = arma::uvec(),
                                const InformationOptions& information = InformationOptions());

}  // namespace moest
