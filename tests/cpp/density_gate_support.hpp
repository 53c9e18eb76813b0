// Helpers for the density-gate tests: joint simulation of (x, y) and finite-difference checks.
#pragma once

#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace moest::test {

/**
 * Joint draws from a density-gated model with Gaussian experts: z ~ pi, x ~ h_z (by `drawX`, the
 * covariates without the intercept), then y from expert z at [1, x].
 */
inline SimulatedData SimulateJoint(const Model& truth, arma::uword n, std::uint64_t seed,
                                   const std::function<arma::rowvec(arma::uword, Rng&)>& drawX) {
  Rng rng(seed);
  const auto& gate = dynamic_cast<const DensityGate&>(truth.gate());
  SimulatedData out;
  out.component.set_size(n);
  out.x.ones(n, gate.Dimension() + 1);
  for (arma::uword i = 0; i < n; ++i) {
    out.component[i] = rng.Categorical(gate.Pi());
    out.x.row(i).tail(gate.Dimension()) = drawX(out.component[i], rng);
  }
  out.y.zeros(n, 1);
  arma::mat draws;
  for (arma::uword k = 0; k < truth.K(); ++k) {
    truth.expert(k).Sample(out.View(), rng, draws);
    const arma::uvec rows = arma::find(out.component == k);
    out.y.rows(rows) = draws.rows(rows);
  }
  return out;
}

/** A standard normal row of length q. */
inline arma::rowvec NormalRow(arma::uword q, Rng& rng) {
  arma::rowvec z(q);
  for (auto& v : z) v = rng.Normal();
  return z;
}

/** Random positive weights for gradient checks. */
inline arma::mat RandomWeights(arma::uword n, arma::uword K, Rng& rng) {
  arma::mat c(n, K);
  for (auto& v : c) v = rng.Uniform();
  return c;
}

/**
 * Checks GradLogWeights (conditional) and GradLogJointWeights (joint) of `gate` against central finite
 * differences at its current parameters.
 */
inline void ExpectGradientsMatch(const DensityGate& gate, const Data& data, const arma::mat& c) {
  const arma::vec theta = gate.Pack();
  ASSERT_EQ(theta.n_elem, gate.NumParameters());
  for (bool joint : {false, true}) {
    auto objective = [&](const arma::vec& t) {
      std::unique_ptr<Gate> copy = gate.Clone();
      copy->Unpack(t);
      arma::mat logWeights;
      if (joint) {
        copy->LogJointWeights(data, logWeights);
      } else {
        copy->LogWeights(data, logWeights);
      }
      return arma::accu(c % logWeights);
    };
    arma::vec analytic;
    if (joint) {
      gate.GradLogJointWeights(data, c, analytic);
    } else {
      gate.GradLogWeights(data, c, analytic);
    }
    const arma::vec numeric = NumericGradient(objective, theta, 1e-5);
    ASSERT_EQ(analytic.n_elem, numeric.n_elem);
    EXPECT_LT(arma::abs(analytic - numeric).max(), 1e-5 * (1.0 + arma::abs(numeric).max()))
        << (joint ? "joint" : "conditional") << "\nanalytic\n" << analytic.t() << "numeric\n" << numeric.t();
  }
}

/** Unpacking what was packed changes nothing, and SetBlocks(Blocks()) neither. */
inline void ExpectRoundTrips(const DensityGate& gate, const Data& data) {
  arma::mat before, after;
  gate.LogJointWeights(data, before);
  std::unique_ptr<Gate> copy = gate.Clone();
  copy->Unpack(gate.Pack());
  copy->LogJointWeights(data, after);
  EXPECT_LT(arma::abs(after - before).max(), 1e-10);
  std::unique_ptr<Gate> rebuilt = MakeGate(gate.Spec(), data.xGate.n_cols, gate.NumComponents());
  rebuilt->SetBlocks(gate.Blocks());
  rebuilt->LogJointWeights(data, after);
  EXPECT_LT(arma::abs(after - before).max(), 1e-10);
  EXPECT_EQ(rebuilt->NumParameters(), gate.NumParameters());
}

/**
 * Fits `truth`'s families to `sim` and checks what every density-gate fit must show: convergence, the
 * joint objective with the conditional log-likelihood reported, a log-likelihood at least that of
 * the truth, and traces that never decrease.
 */
inline FitResult FitJoint(const Model& truth, const SimulatedData& sim, int starts, std::uint64_t seed) {
  FitOptions options;
  options.starts = starts;
  options.seed = seed;
  RecordingObserver recorder;
  FitResult fit = Fit(truth, sim.View(), options, recorder);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged) << fit.stats.message;
  EXPECT_EQ(fit.stats.objective, "joint");
  EXPECT_GE(fit.stats.logLikelihood, truth.LogLikelihood(sim.View()));
  EXPECT_NEAR(fit.stats.conditionalLogLikelihood, fit.model.ConditionalLogLikelihood(sim.View()),
              1e-9 * std::abs(fit.stats.conditionalLogLikelihood));
  EXPECT_GT(recorder.rows.size(), 3u);
  for (const TraceRow& row : recorder.rows) {
    EXPECT_FALSE(row.decrease) << "iteration " << row.iteration;
    EXPECT_GE(row.relativeChange, -1e-10) << "iteration " << row.iteration;
  }
  return fit;
}

}  // namespace moest::test
