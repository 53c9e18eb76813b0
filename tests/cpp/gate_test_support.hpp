// Helpers for the gate-family tests: designs, weights, gradient checks, complete-data standard errors,
// and Gaussian-expert models built around any gate spec.
#pragma once

#include <string>

#include "test_support.hpp"

namespace moest::test {

/** [1, N(0, 1), U(-1, 1)] rows. */
inline arma::mat GateDesign(arma::uword n, Rng& rng) {
  arma::mat x(n, 3);
  for (arma::uword i = 0; i < n; ++i) {
    x(i, 0) = 1.0;
    x(i, 1) = rng.Normal();
    x(i, 2) = 2.0 * rng.Uniform() - 1.0;
  }
  return x;
}

/** Positive weights on the simplex (rows sum to 1). */
inline arma::mat RandomWeights(arma::uword n, arma::uword K, Rng& rng) {
  arma::mat r(n, K);
  for (auto& v : r) v = rng.Uniform();
  r.each_col() /= arma::sum(r, 1);
  return r;
}

/** sum_ik c_ik log g_ik, skipping zero weights. */
inline double GateObjectiveValue(const Gate& gate, const Data& data, const arma::mat& c) {
  arma::mat logG;
  gate.LogWeights(data, logG);
  double total = 0.0;
  for (arma::uword j = 0; j < c.n_elem; ++j) total += c[j] == 0.0 ? 0.0 : c[j] * logG[j];
  return total;
}

/** max |analytic - finite difference| / (1 + max |finite difference|) of GradLogWeights at the gate's parameters. */
inline double GradientError(const Gate& gate, const Data& data, const arma::mat& c) {
  arma::vec analytic;
  gate.GradLogWeights(data, c, analytic);
  return ComponentGradientError(gate, analytic, [&](const Gate& copy) { return GateObjectiveValue(copy, data, c); });
}

/**
 * Complete-data standard errors of the gate's packed parameters at its current value: the inverse of
 * minus the Hessian of sum_ik c_ik log g_ik (c one-hot labels), the Hessian by differencing the
 * analytic gradient.
 */
inline arma::vec GateStandardErrors(const Gate& gate, const Data& data, const arma::mat& c, double h = 1e-5) {
  const arma::vec theta = gate.Pack();
  const arma::uword m = theta.n_elem;
  arma::mat hessian(m, m);
  std::unique_ptr<Gate> copy = gate.Clone();
  for (arma::uword j = 0; j < m; ++j) {
    arma::vec up = theta, down = theta, gUp, gDown;
    up[j] += h;
    down[j] -= h;
    copy->Unpack(up);
    copy->GradLogWeights(data, c, gUp);
    copy->Unpack(down);
    copy->GradLogWeights(data, c, gDown);
    hessian.col(j) = (gUp - gDown) / (2.0 * h);
  }
  hessian = 0.5 * (hessian + hessian.t());
  return arma::sqrt(arma::diagvec(arma::inv_sympd(-hessian)));
}

/** One-hot n x K matrix of labels. */
inline arma::mat OneHot(const arma::uvec& labels, arma::uword K) {
  arma::mat out(labels.n_elem, K, arma::fill::zeros);
  for (arma::uword i = 0; i < labels.n_elem; ++i) out(i, labels[i]) = 1.0;
  return out;
}

/** Labels drawn from the gate's weights at x. */
inline arma::uvec DrawLabels(const Gate& gate, const arma::mat& x, Rng& rng) {
  arma::mat logG;
  gate.LogWeights(Data(x, x, x), logG);
  const arma::mat g = arma::exp(logG);
  arma::uvec labels(x.n_rows);
  for (arma::uword i = 0; i < x.n_rows; ++i) labels[i] = rng.Categorical(g.row(i));
  return labels;
}

/** A Gaussian-expert model on [1, x] with the gate `spec` set from `gateBlocks`; experts (intercept, slope, sigma). */
inline Model MakeGatedModel(const std::string& spec, const ParameterBlocks& gateBlocks,
                            const std::vector<std::array<double, 3>>& experts) {
  Model model = Model::Make("gaussian", spec, 2, 2, experts.size());
  model.gate().SetBlocks(gateBlocks);
  for (arma::uword k = 0; k < experts.size(); ++k) {
    model.expert(k).SetBlocks({{"coefficients", Column({experts[k][0], experts[k][1]})},
                               {"sigma", Scalar(experts[k][2])}});
  }
  return model;
}

/** The result of fitting a truth's families to data simulated from it, from the true partition. */
struct Recovery {
  FitResult fit;
  double truthLogLikelihood = 0.0;
  arma::vec standardErrors;  // complete-data, of the gate's packed parameters at the truth
};

inline Recovery FitFromTruth(const Model& truth, const SimulatedData& sim) {
  const Data data = sim.View();
  FitOptions options;
  options.starts = 1;
  options.initialPartition = sim.component;
  test::RecordingObserver observer;
  Recovery out;
  // A fresh model of the truth's families: the fit starts from the partition, not from the truth.
  const Model prototype = Model::Make("gaussian", truth.gate().Spec().ToString(), 2, 2, truth.K());
  out.fit = Fit(prototype, data, options, observer);
  out.truthLogLikelihood = truth.LogLikelihood(data);
  out.standardErrors = GateStandardErrors(truth.gate(), data, OneHot(sim.component, truth.K()));
  return out;
}

}  // namespace moest::test
