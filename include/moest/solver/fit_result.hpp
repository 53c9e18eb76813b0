// Everything a fit returns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "moest/diagnostics/convergence.hpp"
#include "moest/diagnostics/trace.hpp"
#include "moest/model/information_criteria.hpp"
#include "moest/model/model.hpp"
#include "moest/solver/standard_errors.hpp"
#include "moest/status.hpp"

namespace moest {

/** The statistics of a fit: what a model file stores beside the parameters. */
struct FitStatistics {
  double logLikelihood = 0.0;               // the maximised one: see `objective`
  std::string objective = "conditional";    // "conditional" (y given x) or "joint" (density gates)
  double conditionalLogLikelihood = 0.0;    // log p(y | x), whichever was maximised
  arma::uword nParameters = 0;
  arma::uword n = 0;
  InformationCriteria criteria;
  int iterations = 0;
  FitStatus status = FitStatus::MaxIterations;
  std::string message;                      // plain-language note on the status
  bool varianceFloorBound = false;          // the floor bound in the last M-step
  int gateCapHits = 0;                      // M-steps whose gate Newton loop hit its cap
  std::uint64_t seed = 0;
  int bestStart = 0;                        // 0-based index of the start kept
  std::vector<double> startLogLikelihoods;  // final log-likelihood of every start (NaN if non-finite)
  int startsReachingBest = 0;               // starts within FitOptions::bestTolerance of the best
  Trace trace;                              // the kept start's trace
  std::string solver = "em";                // "em", "mle" or "em+mle"
  std::string emVariant = "standard";       // EmVariantName: standard, classification or stochastic
  double gradientNorm = arma::datum::nan;   // max |d(l/n)/d theta| at the returned parameters
  int mleEvaluations = 0;                   // objective evaluations of the direct optimiser
  StandardErrors standardErrors;            // observed-information or sandwich, at the estimate
  ConvergenceDiagnostics diagnostics;       // rates, Aitken, missing information, near-1 flag
};

struct FitResult {
  Model model;
  FitStatistics stats;
  arma::mat responsibilities;  // n x K at the returned parameters
};

}  // namespace moest
