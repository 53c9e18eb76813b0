#include "moest/solver/gate_optimizer.hpp"

#include <cmath>
#include <limits>
#include <memory>
#include <nlopt.hpp>

namespace moest {

namespace {

struct SearchState {
  const GateObjective* objective = nullptr;
  arma::vec best;
  double bestValue = -std::numeric_limits<double>::infinity();
  int evaluations = 0;
};

double Evaluate(const std::vector<double>& x, std::vector<double>& grad, void* data) {
  auto* state = static_cast<SearchState*>(data);
  ++state->evaluations;
  const arma::vec theta(const_cast<double*>(x.data()), x.size(), false, true);
  arma::vec gradient;
  const double value = (*state->objective)(theta, grad.empty() ? nullptr : &gradient);
  const bool usable = std::isfinite(value) && (grad.empty() || gradient.is_finite());
  if (usable && value > state->bestValue) {
    state->bestValue = value;
    state->best = theta;
  }
  // NLopt minimises here as a maximiser; an unusable point is a wall the line search backs off from.
  if (!usable) {
    for (double& g : grad) g = 0.0;
    return -1e300;
  }
  for (std::size_t j = 0; j < grad.size(); ++j) grad[j] = gradient[j];
  return value;
}

}  // namespace

StepReport MaximiseGateObjective(const GateObjective& objective, arma::vec& theta,
                                 const GateOptimizerOptions& options, const std::string& owner) {
  StepReport report;
  if (theta.n_elem == 0) return report;
  SearchState state;
  state.objective = &objective;
  std::vector<double> x(theta.begin(), theta.end()), unused;
  const double startValue = Evaluate(x, unused, &state);
  if (!std::isfinite(startValue)) {
    state.bestValue = -std::numeric_limits<double>::infinity();
    state.best.reset();
  }
  nlopt::opt optimizer(nlopt::LD_LBFGS, static_cast<unsigned>(theta.n_elem));
  optimizer.set_max_objective(Evaluate, &state);
  optimizer.set_maxeval(std::max(1, options.maxIterations));
  optimizer.set_ftol_rel(options.tolerance);
  optimizer.set_xtol_rel(1e-12);
  double found = 0.0;
  nlopt::result outcome = nlopt::FAILURE;
  try {
    outcome = optimizer.optimize(x, found);
  } catch (const std::exception&) {
    // Round-off limits and failed line searches end the search; the best point seen is kept.
    outcome = nlopt::ROUNDOFF_LIMITED;
  }
  if (state.best.n_elem == theta.n_elem && state.bestValue >= startValue) theta = state.best;
  if (outcome == nlopt::MAXEVAL_REACHED) {
    report.innerCapHit = true;
    report.note = owner + ": the L-BFGS search stopped at its cap of " + std::to_string(options.maxIterations) +
                  " evaluations";
  }
  return report;
}

GateObjective WeightedGateObjective(const Gate& gate, const Data& data, const arma::mat& r) {
  std::shared_ptr<Gate> probe = gate.Clone();
  auto logG = std::make_shared<arma::mat>();
  return [probe, logG, &data, &r](const arma::vec& theta, arma::vec* gradient) {
    probe->Unpack(theta);
    probe->LogJointWeights(data, *logG);
    // 0 * log 0 is 0 here: a component with no weight contributes nothing where it has no responsibility.
    double value = 0.0;
    for (arma::uword j = 0; j < logG->n_elem; ++j) {
      if (r[j] != 0.0) value += r[j] * (*logG)[j];
    }
    if (gradient != nullptr) probe->GradLogWeights(data, r, *gradient);
    return value;
  };
}

StepReport MaximiseGateObjective(Gate& gate, const Data& data, const arma::mat& r,
                                 const GateOptimizerOptions& options) {
  const GateObjective objective = WeightedGateObjective(gate, data, r);
  arma::vec theta = gate.Pack();
  StepReport report = MaximiseGateObjective(objective, theta, options, gate.Family() + " gate");
  gate.Unpack(theta);
  return report;
}

}  // namespace moest
