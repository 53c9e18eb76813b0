// Option structs with defaults (never long positional argument lists).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/model/model.hpp"
#include "moest/solver/em_variants.hpp"
#include "moest/solver/fixed_blocks.hpp"
#include "moest/solver/standard_errors.hpp"

namespace moest {

/** How a start is formed. */
enum class StartMethod {
  Mixed,            // the first start by k-means on (x, y), the others random partitions
  KMeans,           // every start k-means on standardised (x, y) with k-means++ seeding
  RandomPartition,  // every start a uniformly random partition of the rows
  ShortEm,          // every start the best of several short EM runs from random partitions (em-EM)
};

/** When EM stops. */
enum class StoppingRule {
  Relative,  // |l_t - l_{t-1}| / |l_{t-1}| < tolerance
  Aitken,    // |l_inf - l_t| / |l_t| < tolerance, l_inf Aitken's asymptotic log-likelihood
};

struct EmOptions {
  double tolerance = 1e-8;         // stop when |l_t - l_{t-1}| / |l_{t-1}| < tolerance (see rule)
  StoppingRule rule = StoppingRule::Relative;
  int maxIterations = 1000;        // EM iterations per start
  double varianceFloor = 1e-6;     // expert variances are floored at this multiple of var(y)
  int gateMaxNewton = 25;          // cap on Newton iterations of a gate M-step (reported when hit)
  double gateTolerance = 1e-10;    // relative change of the gate objective ending its Newton loop
  // Newton steps of the gate's M-step in each EM iteration after the first (a generalised EM: every
  // step raises the expected log-likelihood, so the likelihood still never falls); 0 solves each
  // M-step to gateTolerance. The first M-step, from the start, is always solved, and so is every
  // M-step of classification and stochastic EM.
  int gateSteps = 1;
  double startSmoothing = 0.05;    // a hard start partition is smoothed to (1 - s) one-hot + s / K
  FixedBlocks fixed;               // blocks held at their values (Fit fills it from FitOptions::fixed)
  EmVariant variant = EmVariant::Standard;  // classification or stochastic EM (solver/em_variants.hpp)
  std::uint64_t stochasticSeed = 0;         // seed of the stochastic draws (Fit derives one per start)
};

/** Short-EM starts (StartMethod::ShortEm): many short runs, the best continued to convergence. */
struct ShortEmOptions {
  int runs = 10;        // short runs per start, each from its own random partition
  int iterations = 5;   // EM iterations of each short run
};

/** How components are ordered after a fit (see model/label_order.hpp). */
enum class LabelOrder {
  None,             // as the fit left them
  ExpertIntercept,  // increasing first expert coefficient (the intercept with an intercept term)
  GateIntercept,    // increasing gate intercept relative to the current first component
};

/** Which algorithm maximises the likelihood. */
enum class SolverKind {
  Em,     // EM from every start
  Mle,    // direct maximum likelihood (L-BFGS on the packed parameters) from every start
  EmMle,  // EM from every start, then an L-BFGS polish of the best
};

struct MleOptions {
  double tolerance = 1e-12;          // stop when the relative change of -l/n falls below this
  double gradientTolerance = 1e-7;   // ... or when max |d(l/n)/d theta| falls below this
  int maxEvaluations = 5000;         // objective-and-gradient evaluations per run
  FixedBlocks fixed;                 // blocks held at their values (Fit fills it from FitOptions::fixed)
};

struct FitOptions {
  EmOptions em;
  SolverKind solver = SolverKind::Em;
  MleOptions mle;
  int starts = 10;                        // number of starts; the best final log-likelihood is kept
  StartMethod startMethod = StartMethod::Mixed;
  std::uint64_t seed = 1;                 // every start derives its own seed from this
  arma::uvec initialPartition;            // if non-empty (labels 0..K-1): one start from this partition
  double bestTolerance = 1e-6;            // starts within this relative distance of the best "reach" it
  bool standardErrors = true;             // standard errors of the kept fit
  StandardErrorType standardErrorType = StandardErrorType::Observed;  // observed information or sandwich
  bool diagnostics = true;                // convergence diagnostics of the kept fit
  LabelOrder labelOrder = LabelOrder::None;  // canonical component order of the kept fit
  int threads = 1;                        // threads running starts in parallel; 0 = all cores
  ShortEmOptions shortEm;                 // used when startMethod is ShortEm
  Model startModel;                       // if not empty: the first start from these parameters
  bool oneStep = false;                   // exactly one E-step and one M-step from startModel
  std::vector<std::string> fixed;         // blocks held at their start values (see solver/fixed_blocks.hpp)
};

}  // namespace moest
