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
#include "moest/mixed/standard_errors.hpp"
#include "moest/model/packing.hpp"
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
  RandomGateEm(const Data& data, const arma::mat& randomDesign, const GroupIndex& groups, NodeRule rule)
      : data_(data), random_(randomDesign), groups_(groups), rule_(std::move(rule)) {
    const arma::uword d = rule_.z.n_cols;
    centre_.zeros(groups.G(), d);
    scale_.set_size(d, d, groups.G());
    scale_.each_slice() = arma::eye(d, d);
    logDet_.zeros(groups.G());
    PlaceNodes();
  }

  arma::uword Q() const { return rule_.z.n_rows; }
  arma::uword D() const { return rule_.z.n_cols; }
  /** Gate-design columns the random effects add: u_j times each random term w_m, term-major. */
  arma::uword RandomColumns() const { return D() * random_.n_cols; }
  const arma::cube& Nodes() const { return nodes_; }

  GateEStep EStep(const Model& model) {
    const arma::uword n = data_.N(), K = model.K(), q = data_.xGate.n_cols;
    GateEStep e;
    arma::mat logF(n, K);
    arma::vec column;
    for (arma::uword k = 0; k < K; ++k) {
      model.expert(k).LogDensity(data_, column);
      logF.col(k) = column;
    }
    e.nodeResp.set_size(n, K, Q());
    arma::mat a(groups_.G(), Q());
    arma::mat design(n, q + RandomColumns());
    design.cols(0, q - 1) = data_.xGate;
    arma::mat logJoint;
    arma::vec rowLse;
    for (arma::uword node = 0; node < Q(); ++node) {
      FillRandomColumns(node, design, 0);
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
    const arma::uword n = data_.N(), K = model.K(), q = data_.xGate.n_cols, c = RandomColumns();
    StepReport report;
    if (fixedZero) {
      SoftmaxGate plain(q, K);
      arma::mat w = model.gate().Blocks()[0].value;
      plain.SetBlocks({{"coefficients", w.rows(0, q - 1)}});
      report = plain.FitResponsibilities(data_, e.marginal);
      w.rows(0, q - 1) = plain.Coefficients();
      w.rows(q, q + c - 1).zeros();
      model.gate().SetBlocks({{"coefficients", w}});
    } else {
      stacked_.set_size(n * Q(), q + c);
      stackedResp_.set_size(n * Q(), K);
      for (arma::uword node = 0; node < Q(); ++node) {
        const arma::span rows(node * n, (node + 1) * n - 1);
        stacked_(rows, arma::span(0, q - 1)) = data_.xGate;
        FillRandomColumns(node, stacked_, node * n);
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

  /**
   * u -> rotation' u (with the loadings times `rotation`): every grid is rotated with it, so the nodes
   * and weights, hence the approximated likelihood, are unchanged.
   */
  void Rotate(const arma::mat& rotation) {
    centre_ = centre_ * rotation;
    for (arma::uword g = 0; g < groups_.G(); ++g) scale_.slice(g) = rotation.t() * scale_.slice(g);
    PlaceNodes();
  }

  /** u -> -u (with the loadings' sign): the grids follow. */
  void Flip() {
    centre_ *= -1.0;
    rule_.z *= -1.0;
    PlaceNodes();
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
      logDet_(g) = arma::accu(arma::log(lower.diag()));
    }
    PlaceNodes();
  }

 private:
  // Rows rowOffset.. of `design`, columns q..: w_im u_j at node `node` of row i's group.
  void FillRandomColumns(arma::uword node, arma::mat& design, arma::uword rowOffset) const {
    const arma::uword q = data_.xGate.n_cols, d = D();
    for (arma::uword i = 0; i < data_.N(); ++i) {
      const arma::uword g = groups_.ofRow(i);
      for (arma::uword m = 0; m < random_.n_cols; ++m) {
        for (arma::uword j = 0; j < d; ++j) design(rowOffset + i, q + m * d + j) = random_(i, m) * nodes_(j, node, g);
      }
    }
  }

  // nodes_(:, q, g) = centre_g + scale_g z_q, and the fixed log factor of each node:
  // lw_q + log phi(u_gq) - log phi(z_q) + log |det scale_g| (importance weights of the N(0, I) prior).
  void PlaceNodes() {
    const arma::uword G = groups_.G(), d = D();
    nodes_.set_size(d, Q(), G);
    logConstant_.set_size(G, Q());
    for (arma::uword g = 0; g < G; ++g) {
      const double logDet = logDet_(g);
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
  const arma::mat& random_;  // n x r: the random terms w_ij (a column of ones, then slopes)
  const GroupIndex& groups_;
  NodeRule rule_;
  arma::mat centre_;   // G x d
  arma::cube scale_;   // d x d x G: lower triangular, or rotated by Rotate
  arma::vec logDet_;   // G: log |det scale_g|
  arma::cube nodes_;   // d x Q x G
  arma::mat logConstant_;  // G x Q
  arma::mat stacked_, stackedResp_;
};

/**
 * The plain model's fit gives the fixed effects; the loadings start at `loading` (0 is stationary),
 * each random term of each component on its own dimension (cycling), slopes scaled by 1 / sd(w_m).
 */
Model StartingModel(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                    const MixedOptions& options, Observer& observer) {
  FitOptions plainOptions = options.fit;
  plainOptions.standardErrors = false;
  plainOptions.diagnostics = false;
  const FitResult plain = Fit(prototype, data, plainOptions, observer);
  const arma::uword q = data.xGate.n_cols, d = options.dimension, K = prototype.K(), r = randomDesign.n_cols;
  arma::mat w(q + d * r, K, arma::fill::zeros);
  w.rows(0, q - 1) = plain.model.gate().Blocks()[0].value;
  if (!options.fixVarianceAtZero) {
    for (arma::uword k = 1; k < K; ++k) {
      for (arma::uword m = 0; m < r; ++m) {
        const double spread = m == 0 ? 1.0 : std::max(1e-8, arma::stddev(randomDesign.col(m)));
        w(q + m * d + ((k - 1) * r + m) % d, k) = options.initialLoading / spread;
      }
    }
  }
  std::vector<std::unique_ptr<Expert>> experts;
  for (arma::uword k = 0; k < K; ++k) experts.push_back(plain.model.expert(k).Clone());
  auto gate = std::make_unique<SoftmaxGate>(q + d * r, K);
  gate->SetBlocks({{"coefficients", w}});
  return Model(std::move(gate), std::move(experts));
}

/**
 * The loadings as a ((K - 1) r) x d matrix A: row (k - 1) r + m holds the loadings of random term m in
 * component k's logit, so component k's random effects (intercept, slopes) are A_k u.
 */
arma::mat LoadingMatrix(const arma::mat& w, arma::uword q, arma::uword d, arma::uword r) {
  const arma::uword K = w.n_cols;
  arma::mat a((K - 1) * r, d);
  for (arma::uword k = 1; k < K; ++k) {
    for (arma::uword m = 0; m < r; ++m) {
      for (arma::uword j = 0; j < d; ++j) a((k - 1) * r + m, j) = w(q + m * d + j, k);
    }
  }
  return a;
}

void SetLoadingMatrix(arma::mat& w, const arma::mat& a, arma::uword q, arma::uword d, arma::uword r) {
  for (arma::uword k = 1; k < w.n_cols; ++k) {
    for (arma::uword m = 0; m < r; ++m) {
      for (arma::uword j = 0; j < d; ++j) w(q + m * d + j, k) = a((k - 1) * r + m, j);
    }
  }
}

/** Covariance of all components' random effects (K r x K r; component 1's rows and columns zero). */
arma::mat RandomEffectCovariance(const arma::mat& w, arma::uword q, arma::uword d, arma::uword r) {
  const arma::uword K = w.n_cols;
  arma::mat a(K * r, d, arma::fill::zeros);
  a.rows(r, K * r - 1) = LoadingMatrix(w, q, d, r);
  return a * a.t();
}

/** The lower triangle of every non-reference component's r x r block: the variance components reported. */
arma::vec VarianceEntries(const arma::mat& covariance, arma::uword K, arma::uword r) {
  std::vector<double> out;
  for (arma::uword k = 1; k < K; ++k) {
    for (arma::uword b = 0; b < r; ++b) {
      for (arma::uword a = b; a < r; ++a) out.push_back(covariance(k * r + a, k * r + b));
    }
  }
  return arma::vec(out);
}

/** `entries` (VarianceEntries' order) placed in a K r x K r matrix, NaN elsewhere. */
arma::mat VarianceEntriesMatrix(const arma::vec& entries, arma::uword K, arma::uword r) {
  arma::mat out(K * r, K * r, arma::fill::value(arma::datum::nan));
  arma::uword at = 0;
  for (arma::uword k = 1; k < K; ++k) {
    for (arma::uword b = 0; b < r; ++b) {
      for (arma::uword a = b; a < r; ++a, ++at) {
        if (at < entries.n_elem) out(k * r + a, k * r + b) = out(k * r + b, k * r + a) = entries(at);
      }
    }
  }
  return out;
}

std::vector<std::string> VarianceLabels(arma::uword K, arma::uword r) {
  std::vector<std::string> out;
  for (arma::uword k = 1; k < K; ++k) {
    for (arma::uword b = 0; b < r; ++b) {
      for (arma::uword a = b; a < r; ++a) {
        out.push_back("random.Comp." + std::to_string(k + 1) + "[" + std::to_string(a + 1) + "," + std::to_string(b + 1) + "]");
      }
    }
  }
  return out;
}

}  // namespace

MixedFit FitRandomGate(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                       const GroupIndex& groups, const MixedOptions& options, Observer& observer) {
  const arma::uword d = options.dimension, q = data.xGate.n_cols, K = prototype.K(), r = randomDesign.n_cols;
  MixedFit out;
  out.placement = RandomPlacement::Gate;
  const bool monteCarlo = options.monteCarloSize > 0 || d > 3;
  Rng rng(Rng::DeriveSeed(options.fit.seed, 7919));
  NodeRule rule = monteCarlo ? MonteCarloDraws(d, options.monteCarloSize > 0 ? options.monteCarloSize : 500, rng)
                             : TensorGaussHermite(d, options.quadratureOrder);
  out.integration = monteCarlo ? "Monte Carlo" : "adaptive Gauss-Hermite";
  out.quadratureOrder = monteCarlo ? 0 : options.quadratureOrder;
  out.nodesPerGroup = rule.z.n_rows;

  Model model = StartingModel(prototype, data, randomDesign, options, observer);
  const double floor = AbsoluteVarianceFloor(data, options.fit.em);
  for (arma::uword k = 0; k < K; ++k) model.expert(k).SetVarianceFloor(floor);
  model.gate().SetInnerControl(options.gateNewtonSteps, options.fit.em.gateTolerance);

  RandomGateEm em(data, randomDesign, groups, std::move(rule));
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

  // Outputs: u is identified up to a rotation (a sign when d = 1). d = 1: make the first non-zero
  // loading positive; d > 1: rotate u so that the top d x d block of the loading matrix is lower
  // triangular (a Cholesky-type parametrisation); the grids rotate with u.
  arma::mat w = model.gate().Blocks()[0].value;
  arma::mat loadings = LoadingMatrix(w, q, d, r);
  const bool rotated = d > 1 && loadings.n_rows >= d && !options.fixVarianceAtZero;
  if (d == 1) {
    const arma::uvec nonzero = arma::find(arma::abs(loadings) > 0.0);
    if (!nonzero.is_empty() && loadings(nonzero(0)) < 0.0) {
      SetLoadingMatrix(w, -loadings, q, d, r);
      model.gate().SetBlocks({{"coefficients", w}});
      em.Flip();
    }
  } else if (rotated) {
    arma::mat rotation, triangle;
    if (arma::qr(rotation, triangle, arma::mat(loadings.rows(0, d - 1).t()))) {
      arma::mat triangular = loadings * rotation;
      for (arma::uword i = 0; i < d; ++i) {
        for (arma::uword j = i + 1; j < d; ++j) triangular(i, j) = 0.0;  // exact zeros, not 1e-18
      }
      SetLoadingMatrix(w, triangular, q, d, r);
      model.gate().SetBlocks({{"coefficients", w}});
      em.Rotate(rotation);
    }
  }
  e = em.EStep(model);
  stats.logLikelihood = e.logLikelihood;
  arma::mat mean;
  arma::cube covariance;
  em.Posterior(e, mean, covariance);
  const arma::mat randomCovariance = RandomEffectCovariance(w, q, d, r);
  // A random-effect sd above 100 on the logit scale means the loadings ran off to infinity: within
  // the groups the components are (nearly) separated by the random terms, and the likelihood has no
  // finite maximum in that direction (as in a separated logistic regression).
  if (randomCovariance.diag().max() > 1e4 && stats.status == FitStatus::Converged) {
    stats.status = FitStatus::Degenerate;
    stats.message = "a random-effect variance in the gate diverged (" + NumberText(randomCovariance.diag().max(), "%.3g") +
                    "): the components are nearly separated within the groups, so the likelihood has no finite "
                    "maximum; drop the random slopes or use fewer random terms";
  }
  out.varianceComponents.push_back(randomCovariance);
  out.ranef = mean;
  out.ranefSd.set_size(groups.G(), d);
  for (arma::uword g = 0; g < groups.G(); ++g) out.ranefSd.row(g) = arma::sqrt(arma::diagvec(covariance.slice(g))).t();

  // Standard errors: the Hessian of the marginal log-likelihood on the final grids. The loadings held
  // fixed: all of them when the variance is fixed at 0, the rotation's upper triangle when d > 1.
  if (options.fit.standardErrors && std::isfinite(stats.logLikelihood)) {
    MarginalLikelihood problem;
    problem.theta = PackModel(model);
    std::vector<arma::uword> moving;
    for (arma::uword k = 1, at = 0; k < K; ++k) {
      for (arma::uword row = 0; row < q + d * r; ++row, ++at) {
        const bool loading = row >= q;
        const arma::uword m = loading ? (row - q) / d : 0, j = loading ? (row - q) % d : 0;
        const arma::uword aRow = (k - 1) * r + m;
        const bool fixed = loading && (options.fixVarianceAtZero || (rotated && aRow < d && j > aRow));
        if (!fixed) moving.push_back(at);
      }
    }
    for (arma::uword j = (K - 1) * (q + d * r); j < problem.theta.n_elem; ++j) moving.push_back(j);
    problem.moving = arma::conv_to<arma::uvec>::from(moving);
    Model probe = model;
    problem.logLikelihood = [&](const arma::vec& theta) {
      UnpackModel(probe, theta);
      return em.EStep(probe).logLikelihood;
    };
    problem.natural = [&](const arma::vec& theta) {
      UnpackModel(probe, theta);
      const arma::vec flat = FlattenNatural(probe);
      if (options.fixVarianceAtZero) return flat;
      return arma::vec(arma::join_cols(flat, VarianceEntries(RandomEffectCovariance(probe.gate().Blocks()[0].value, q, d, r), K, r)));
    };
    if (!options.fixVarianceAtZero) problem.varianceLabels = VarianceLabels(K, r);
    arma::vec varianceSe;
    stats.standardErrors = MarginalStandardErrors(problem, model, varianceSe);
    out.varianceSe.push_back(VarianceEntriesMatrix(varianceSe, K, r));
  }
  out.groupPosterior.zeros(groups.G(), K);
  for (arma::uword i = 0; i < data.N(); ++i) out.groupPosterior.row(groups.ofRow(i)) += e.marginal.row(i);
  for (arma::uword g = 0; g < groups.G(); ++g) out.groupPosterior.row(g) /= double(groups.members[g].n_elem);
  out.responsibilities = e.marginal;
  out.groupLabels = groups.labels;

  // Free parameters: u is identified only up to a rotation when d > 1.
  arma::uword nParameters = model.NumParameters() - d * (d - 1) / 2;
  if (options.fixVarianceAtZero) nParameters = model.NumParameters() - d * r * (K - 1);
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
