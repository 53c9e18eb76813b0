// Random effects in the gate (Fung & Tseung 2025): g_k(x_ij, u_i) = softmax_k(alpha_k'x_ij + beta_k'u_i),
// u_i ~ N(0, I_d), fitted by EM over a per-group grid of nodes for u (adaptive Gauss-Hermite, or Monte
// Carlo draws). For a fixed grid the approximated likelihood is a finite mixture over the nodes, so EM
// on it is exact and monotone; the grids are re-centred at the posteriors between EM phases.
#include <cmath>
#include <cstdio>
#include <limits>

#include "moest/column_view.hpp"
#include "moest/errors.hpp"
#include "moest/gate/softmax.hpp"
#include "moest/io/number_text.hpp"
#include "moest/mixed/fit_mixed.hpp"
#include "moest/numerics/gauss_hermite.hpp"
#include "moest/rng.hpp"
#include "moest/solver/em.hpp"
#include "moest/solver/fit.hpp"

namespace moest {

namespace {

/** Standardised nodes z_q with log weights: E h(z), z ~ N(0, I_d), is about sum_q exp(lw_q) h(z_q). */
struct NodeRule {
  arma::mat z;          // Q x d
  arma::vec logWeight;  // Q
};

NodeRule TensorGaussHermite(arma::uword d, arma::uword order) {
  const numerics::GaussHermiteRule rule = numerics::GaussHermite(order);
  arma::uword Q = 1;
  for (arma::uword j = 0; j < d; ++j) Q *= order;
  NodeRule out{arma::mat(Q, d), arma::vec(Q, arma::fill::zeros)};
  for (arma::uword q = 0; q < Q; ++q) {
    arma::uword rest = q;
    for (arma::uword j = 0; j < d; ++j, rest /= order) {
      const arma::uword m = rest % order;
      out.z(q, j) = std::sqrt(2.0) * rule.nodes(m);
      out.logWeight(q) += std::log(rule.weights(m) / std::sqrt(M_PI));
    }
  }
  return out;
}

NodeRule MonteCarloDraws(arma::uword d, arma::uword size, Rng& rng) {
  NodeRule out{arma::mat(size, d), arma::vec(size, arma::fill::value(-std::log(double(size))))};
  for (arma::uword q = 0; q < size; ++q) {
    for (arma::uword j = 0; j < d; ++j) out.z(q, j) = rng.Normal();
  }
  return out;
}

double LogStdNormal(const arma::rowvec& u) {
  return -0.5 * arma::dot(u, u) - 0.5 * double(u.n_elem) * std::log(2.0 * M_PI);
}

double LogSumExp(const arma::rowvec& a) {
  const double top = a.max();
  if (!std::isfinite(top)) return top;
  return top + std::log(arma::accu(arma::exp(a - top)));
}

/** The E-step over the grid: node posteriors per group and member responsibilities per node. */
struct GateEStep {
  double logLikelihood = 0.0;
  arma::mat nodeWeight;  // G x Q: w_gq = P(u_g = node q | group g's data)
  arma::cube nodeResp;   // n x K x Q: r_jk given node q of j's group
  arma::mat marginal;    // n x K: sum_q w_gq r_jk|q
};

/** The EM machinery of one fit: the data, the grouping, the node rule and each group's grid. */
class RandomGateEm {
 public:
  RandomGateEm(const Data& data, const GroupIndex& groups, NodeRule rule)
      : data_(data), groups_(groups), rule_(std::move(rule)) {
    const arma::uword d = rule_.z.n_cols;
    centre_.zeros(groups.G(), d);
    scale_.set_size(d, d, groups.G());
    scale_.each_slice() = arma::eye(d, d);
    PlaceNodes();
  }

  arma::uword Q() const { return rule_.z.n_rows; }
  arma::uword D() const { return rule_.z.n_cols; }
  const arma::cube& Nodes() const { return nodes_; }

  GateEStep EStep(const Model& model) {
    const arma::uword n = data_.N(), K = model.K(), q = data_.xGate.n_cols, d = D();
    GateEStep e;
    arma::mat logF(n, K);
    arma::vec column;
    for (arma::uword k = 0; k < K; ++k) {
      model.expert(k).LogDensity(data_, column);
      logF.col(k) = column;
    }
    e.nodeResp.set_size(n, K, Q());
    arma::mat a(groups_.G(), Q());
    arma::mat design(n, q + d);
    design.cols(0, q - 1) = data_.xGate;
    arma::mat logJoint;
    arma::vec rowLse;
    for (arma::uword node = 0; node < Q(); ++node) {
      for (arma::uword i = 0; i < n; ++i) {
        for (arma::uword j = 0; j < d; ++j) design(i, q + j) = nodes_(j, node, groups_.ofRow(i));
      }
      model.gate().LogWeights(Data(data_.y, data_.xExpert, design), logJoint);
      logJoint += logF;
      NormaliseRows(logJoint, &rowLse);
      e.nodeResp.slice(node) = arma::exp(logJoint);
      a.col(node) = logConstant_.col(node) + SumByGroup(groups_, rowLse);
    }
    e.nodeWeight.set_size(groups_.G(), Q());
    e.logLikelihood = 0.0;
    for (arma::uword g = 0; g < groups_.G(); ++g) {
      const double lse = LogSumExp(a.row(g));
      e.logLikelihood += lse;
      e.nodeWeight.row(g) = arma::exp(a.row(g) - lse);
    }
    e.marginal.zeros(n, K);
    for (arma::uword node = 0; node < Q(); ++node) {
      const arma::vec w = RowNodeWeight(e, node);
      e.marginal += e.nodeResp.slice(node).each_col() % w;
    }
    return e;
  }

  /**
   * The M-step: the gate on the stacked design [x_j, u_gq] (n Q rows) with weights w_gq r_jk|q, the
   * experts on the marginal responsibilities. With `fixedZero` the loadings stay at zero and the gate
   * is fitted on x alone.
   */
  StepReport MStep(Model& model, const GateEStep& e, bool fixedZero) {
    const arma::uword n = data_.N(), K = model.K(), q = data_.xGate.n_cols, d = D();
    StepReport report;
    if (fixedZero) {
      SoftmaxGate plain(q, K);
      arma::mat w = model.gate().Blocks()[0].value;
      plain.SetBlocks({{"coefficients", w.rows(0, q - 1)}});
      report = plain.FitResponsibilities(data_, e.marginal);
      w.rows(0, q - 1) = plain.Coefficients();
      w.rows(q, q + d - 1).zeros();
      model.gate().SetBlocks({{"coefficients", w}});
    } else {
      stacked_.set_size(n * Q(), q + d);
      stackedResp_.set_size(n * Q(), K);
      for (arma::uword node = 0; node < Q(); ++node) {
        const arma::span rows(node * n, (node + 1) * n - 1);
        stacked_(rows, arma::span(0, q - 1)) = data_.xGate;
        for (arma::uword i = 0; i < n; ++i) {
          for (arma::uword j = 0; j < d; ++j) stacked_(node * n + i, q + j) = nodes_(j, node, groups_.ofRow(i));
        }
        stackedResp_.rows(rows) = e.nodeResp.slice(node).each_col() % RowNodeWeight(e, node);
      }
      report = model.gate().FitResponsibilities(Data(stacked_, stacked_, stacked_), stackedResp_);
    }
    if (!report.note.empty()) report.note = "gate: " + report.note;
    for (arma::uword k = 0; k < K; ++k) {
      StepReport expertReport = model.expert(k).FitWeighted(data_, ColumnView(e.marginal, k));
      if (!expertReport.note.empty()) expertReport.note = "expert " + std::to_string(k + 1) + ": " + expertReport.note;
      report.Merge(expertReport);
    }
    return report;
  }

  /** Posterior mean and covariance of each group's u from the node weights. */
  void Posterior(const GateEStep& e, arma::mat& mean, arma::cube& covariance) const {
    const arma::uword G = groups_.G(), d = D();
    mean.zeros(G, d);
    covariance.zeros(d, d, G);
    for (arma::uword g = 0; g < G; ++g) {
      const arma::mat& u = nodes_.slice(g);  // d x Q
      const arma::rowvec w = e.nodeWeight.row(g);
      const arma::vec m = u * w.t();
      const arma::mat centred = u.each_col() - m;
      covariance.slice(g) = (centred.each_row() % w) * centred.t();
      mean.row(g) = m.t();
    }
  }

  /** Re-centre and re-scale every group's grid at its current posterior mean and covariance. */
  void Adapt(const GateEStep& e) {
    arma::mat mean;
    arma::cube covariance;
    Posterior(e, mean, covariance);
    for (arma::uword g = 0; g < groups_.G(); ++g) {
      arma::mat lower;
      const arma::mat c = covariance.slice(g) + 1e-12 * arma::eye(D(), D());
      if (!arma::chol(lower, c, "lower")) continue;  // keep this group's previous grid
      centre_.row(g) = mean.row(g);
      scale_.slice(g) = lower;
    }
    PlaceNodes();
  }

 private:
  // nodes_(:, q, g) = centre_g + scale_g z_q, and the fixed log factor of each node:
  // lw_q + log phi(u_gq) - log phi(z_q) + log |scale_g| (importance weights of the N(0, I) prior).
  void PlaceNodes() {
    const arma::uword G = groups_.G(), d = D();
    nodes_.set_size(d, Q(), G);
    logConstant_.set_size(G, Q());
    for (arma::uword g = 0; g < G; ++g) {
      const double logDet = arma::accu(arma::log(scale_.slice(g).diag()));
      for (arma::uword node = 0; node < Q(); ++node) {
        const arma::rowvec z = rule_.z.row(node);
        const arma::rowvec u = centre_.row(g) + z * scale_.slice(g).t();
        for (arma::uword j = 0; j < d; ++j) nodes_(j, node, g) = u(j);
        logConstant_(g, node) = rule_.logWeight(node) + LogStdNormal(u) - LogStdNormal(z) + logDet;
      }
    }
  }

  arma::vec RowNodeWeight(const GateEStep& e, arma::uword node) const {
    const arma::vec perGroup = e.nodeWeight.col(node);
    return perGroup.elem(groups_.ofRow);
  }

  const Data& data_;
  const GroupIndex& groups_;
  NodeRule rule_;
  arma::mat centre_;   // G x d
  arma::cube scale_;   // d x d x G, lower triangular
  arma::cube nodes_;   // d x Q x G
  arma::mat logConstant_;  // G x Q
  arma::mat stacked_, stackedResp_;
};

/** The plain model's fit gives the fixed effects; the loadings start at `loading` (0 is stationary). */
Model StartingModel(const Model& prototype, const Data& data, const MixedOptions& options, Observer& observer) {
  FitOptions plainOptions = options.fit;
  plainOptions.standardErrors = false;
  plainOptions.diagnostics = false;
  const FitResult plain = Fit(prototype, data, plainOptions, observer);
  const arma::uword q = data.xGate.n_cols, d = options.dimension, K = prototype.K();
  arma::mat w(q + d, K, arma::fill::zeros);
  w.rows(0, q - 1) = plain.model.gate().Blocks()[0].value;
  if (!options.fixVarianceAtZero) {
    for (arma::uword k = 1; k < K; ++k) w(q + (k - 1) % d, k) = options.initialLoading;
  }
  std::vector<std::unique_ptr<Expert>> experts;
  for (arma::uword k = 0; k < K; ++k) experts.push_back(plain.model.expert(k).Clone());
  auto gate = std::make_unique<SoftmaxGate>(q + d, K);
  gate->SetBlocks({{"coefficients", w}});
  return Model(std::move(gate), std::move(experts));
}

}  // namespace

MixedFit FitRandomGate(const Model& prototype, const Data& data, const GroupIndex& groups,
                       const MixedOptions& options, Observer& observer) {
  const arma::uword d = options.dimension, q = data.xGate.n_cols, K = prototype.K();
  MixedFit out;
  out.placement = RandomPlacement::Gate;
  const bool monteCarlo = options.monteCarloSize > 0 || d > 3;
  Rng rng(Rng::DeriveSeed(options.fit.seed, 7919));
  NodeRule rule = monteCarlo ? MonteCarloDraws(d, options.monteCarloSize > 0 ? options.monteCarloSize : 500, rng)
                             : TensorGaussHermite(d, options.quadratureOrder);
  out.integration = monteCarlo ? "Monte Carlo" : "adaptive Gauss-Hermite";
  out.quadratureOrder = monteCarlo ? 0 : options.quadratureOrder;
  out.nodesPerGroup = rule.z.n_rows;

  Model model = StartingModel(prototype, data, options, observer);
  const double floor = AbsoluteVarianceFloor(data, options.fit.em);
  for (arma::uword k = 0; k < K; ++k) model.expert(k).SetVarianceFloor(floor);
  model.gate().SetInnerControl(options.gateNewtonSteps, options.fit.em.gateTolerance);

  RandomGateEm em(data, groups, std::move(rule));
  GateEStep e = em.EStep(model);
  if (!options.fixVarianceAtZero) {
    em.Adapt(e);  // centre the grids at the posteriors under the start
    e = em.EStep(model);
  }
  FitStatistics& stats = out.stats;
  const double tolerance = options.fit.em.tolerance;
  StepReport report;
  double previous = 0.0;
  int it = 0;
  bool phaseStart = true, done = false;
  for (int phase = 0; !done; ++phase) {
    for (;;) {
      ++it;
      TraceRow row;
      row.iteration = it;
      row.logLikelihood = e.logLikelihood;
      if (!phaseStart) {
        row.relativeChange = (e.logLikelihood - previous) / std::abs(previous);
        row.decrease = row.relativeChange < -1e-9;
      }
      stats.trace.push_back(row);
      stats.iterations = it;
      stats.logLikelihood = e.logLikelihood;
      observer.OnIteration(0, row);
      if (!std::isfinite(e.logLikelihood)) {
        stats.status = FitStatus::NonFinite;
        stats.message = "the log-likelihood became " + NumberText(e.logLikelihood) + " at iteration " + std::to_string(it);
        done = true;
        break;
      }
      if (report.singular) {
        stats.status = FitStatus::Degenerate;
        stats.message = "a component collapsed (" + report.note + ")";
        done = true;
        break;
      }
      if (!phaseStart && std::abs(row.relativeChange) < tolerance) break;
      if (observer.ShouldStop()) {
        stats.status = FitStatus::Interrupted;
        stats.message = "interrupted at iteration " + std::to_string(it);
        done = true;
        break;
      }
      if (it >= options.fit.em.maxIterations) {
        stats.status = FitStatus::MaxIterations;
        stats.message = "stopped at the cap of " + std::to_string(options.fit.em.maxIterations) +
                        " iterations before the log-likelihood settled";
        done = true;
        break;
      }
      phaseStart = false;
      previous = e.logLikelihood;
      report = em.MStep(model, e, options.fixVarianceAtZero);
      e = em.EStep(model);
    }
    if (done) break;
    stats.status = FitStatus::Converged;
    stats.message = "relative change of the log-likelihood below " + NumberText(tolerance);
    if (options.fixVarianceAtZero || monteCarlo || phase >= options.adaptPasses) break;
    // Re-centre the grids; stop when that no longer moves the approximated likelihood.
    const double before = e.logLikelihood;
    em.Adapt(e);
    e = em.EStep(model);
    out.adaptations.push_back(it);
    stats.logLikelihood = e.logLikelihood;
    if (std::abs(e.logLikelihood - before) <= tolerance * std::abs(before)) break;
    phaseStart = true;
  }
  stats.varianceFloorBound = report.varianceFloorBound;
  if (report.varianceFloorBound && stats.status == FitStatus::Converged) {
    stats.status = FitStatus::Degenerate;
    stats.message = "converged with a variance at its floor (" + report.note + ")";
  }

  // Outputs: u's sign (d = 1) is not identified: make the first non-zero loading positive.
  arma::mat mean;
  arma::cube covariance;
  em.Posterior(e, mean, covariance);
  arma::mat w = model.gate().Blocks()[0].value;
  if (d == 1) {
    const arma::rowvec loadings = w.row(q);
    const arma::uvec nonzero = arma::find(arma::abs(loadings) > 0.0);
    if (!nonzero.is_empty() && loadings(nonzero(0)) < 0.0) {
      w.row(q) *= -1.0;
      mean *= -1.0;
      model.gate().SetBlocks({{"coefficients", w}});
    }
  }
  const arma::mat loadings = w.rows(q, q + d - 1);
  out.varianceComponents.push_back(loadings.t() * loadings);
  out.ranef = mean;
  out.ranefSd.set_size(groups.G(), d);
  for (arma::uword g = 0; g < groups.G(); ++g) out.ranefSd.row(g) = arma::sqrt(arma::diagvec(covariance.slice(g))).t();
  out.groupPosterior.zeros(groups.G(), K);
  for (arma::uword i = 0; i < data.N(); ++i) out.groupPosterior.row(groups.ofRow(i)) += e.marginal.row(i);
  for (arma::uword g = 0; g < groups.G(); ++g) out.groupPosterior.row(g) /= double(groups.members[g].n_elem);
  out.responsibilities = e.marginal;
  out.groupLabels = groups.labels;

  // Free parameters: u is identified only up to a rotation when d > 1.
  arma::uword nParameters = model.NumParameters() - d * (d - 1) / 2;
  if (options.fixVarianceAtZero) nParameters = model.NumParameters() - d * (K - 1);
  stats.nParameters = nParameters;
  stats.n = data.N();
  stats.objective = "conditional";
  stats.conditionalLogLikelihood = stats.logLikelihood;
  stats.criteria = ComputeCriteria(stats.logLikelihood, nParameters, stats.n, e.marginal);
  stats.seed = options.fit.seed;
  stats.solver = "em";
  out.model = std::move(model);
  return out;
}

}  // namespace moest
