// Shared helpers for the core tests: known-truth models, simulated data, finite differences.
#pragma once

#include <functional>
#include <vector>

#include "moest/moest.hpp"

namespace moest::test {

/** Simulated data that owns its matrices (Data is a view). */
struct SimulatedData {
  arma::mat y;
  arma::mat x;  // intercept + covariates, used for both experts and gate
  arma::uvec component;
  Data View() const { return Data(y, x, x); }
};

/** A column vector from a list, for SetBlocks. */
inline arma::mat Column(std::initializer_list<double> values) { return arma::mat(arma::vec(values)); }
inline arma::mat Scalar(double value) { return arma::mat(1, 1, arma::fill::value(value)); }

/**
 * A softmax-gated Gaussian MoE on [1, x]: gate coefficient columns (intercept, slope) per component
 * (the first must be zero), expert (intercept, slope, sigma) per component.
 */
inline Model MakeLinearModel(const std::vector<std::array<double, 2>>& gate,
                             const std::vector<std::array<double, 3>>& experts) {
  const arma::uword K = experts.size();
  Model model = Model::Make("gaussian", "softmax", 2, 2, K);
  arma::mat w(2, K);
  for (arma::uword k = 0; k < K; ++k) {
    w(0, k) = gate[k][0];
    w(1, k) = gate[k][1];
  }
  model.gate().SetBlocks({{"coefficients", w}});
  for (arma::uword k = 0; k < K; ++k) {
    model.expert(k).SetBlocks({{"coefficients", Column({experts[k][0], experts[k][1]})},
                               {"sigma", Scalar(experts[k][2])}});
  }
  return model;
}

/** x ~ U(lo, hi), then y from the model. */
inline SimulatedData SimulateLinear(const Model& truth, arma::uword n, std::uint64_t seed, double lo = -1.0,
                                    double hi = 1.0) {
  Rng rng(seed);
  SimulatedData out;
  out.x.set_size(n, 2);
  out.x.col(0).ones();
  for (arma::uword i = 0; i < n; ++i) out.x(i, 1) = lo + (hi - lo) * rng.Uniform();
  out.y.zeros(n, 1);
  const Simulation sim = Simulate(truth, out.View(), rng);
  out.y = sim.y;
  out.component = sim.component;
  return out;
}

/** The message of the InputError that `f` throws, or "" when it throws none. */
inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

/** Central finite-difference gradient of f at theta. */
inline arma::vec NumericGradient(const std::function<double(const arma::vec&)>& f, const arma::vec& theta,
                                 double h = 1e-6) {
  arma::vec g(theta.n_elem);
  for (arma::uword j = 0; j < theta.n_elem; ++j) {
    arma::vec up = theta, down = theta;
    up[j] += h;
    down[j] -= h;
    g[j] = (f(up) - f(down)) / (2.0 * h);
  }
  return g;
}

/**
 * max |analytic - finite difference| / (1 + max |finite difference|) at a component's (an expert's or
 * a gate's) packed parameters, `value(copy)` being the objective at a copy holding other parameters.
 */
template <class Component, class Value>
double ComponentGradientError(const Component& component, const arma::vec& analytic, Value value) {
  auto objective = [&](const arma::vec& t) {
    auto copy = component.Clone();
    copy->Unpack(t);
    return value(*copy);
  };
  const arma::vec numeric = NumericGradient(objective, component.Pack());
  return arma::abs(analytic - numeric).max() / (1.0 + arma::abs(numeric).max());
}

/** ComponentGradientError of an expert's GradLogDensity with row weights `c`: sum_i c_i log f(y_i | x_i). */
inline double ExpertGradientError(const Expert& expert, const Data& data, const arma::vec& c) {
  arma::vec analytic;
  expert.GradLogDensity(data, c, analytic);
  return ComponentGradientError(expert, analytic, [&](const Expert& copy) {
    arma::vec logDensity;
    copy.LogDensity(data, logDensity);
    return arma::dot(c, logDensity);
  });
}

/** n weights drawn uniformly on (0, 1) from a generator seeded with `seed`. */
inline arma::vec UniformWeights(arma::uword n, std::uint64_t seed) {
  Rng rng(seed);
  arma::vec w(n);
  for (auto& v : w) v = rng.Uniform();
  return w;
}

/** Component order that sorts experts by their intercept (for comparing fits with truths). */
inline arma::uvec OrderByIntercept(const Model& model) {
  arma::vec intercepts(model.K());
  for (arma::uword k = 0; k < model.K(); ++k) intercepts[k] = model.expert(k).Blocks()[0].value(0, 0);
  return arma::sort_index(intercepts);
}

/** A model file for a fit of MakeLinearModel's family on "y ~ x" (terms "(Intercept)", "x"). */
inline ModelFile LinearModelFile(const FitResult& fit) {
  ModelFile file;
  file.formula = "y ~ x";
  file.response = "y";
  file.expertTerms = {"(Intercept)", "x"};
  file.gateTerms = {"(Intercept)", "x"};
  file.expertFamily = "gaussian";
  file.gateFamily = "softmax";
  file.model = fit.model;
  file.stats = fit.stats;
  return file;
}

/** An observer that records trace rows and can stop after a given number of iterations. */
class RecordingObserver : public Observer {
 public:
  explicit RecordingObserver(int stopAfter = -1) : stopAfter_(stopAfter) {}
  void OnIteration(int, const TraceRow& row) override { rows.push_back(row); }
  void OnProgress(const std::string&, std::size_t done, std::size_t) override { progress.push_back(done); }
  bool ShouldStop() override { return stopAfter_ >= 0 && static_cast<int>(rows.size()) >= stopAfter_; }
  std::vector<TraceRow> rows;
  std::vector<std::size_t> progress;

 private:
  int stopAfter_;
};

}  // namespace moest::test
