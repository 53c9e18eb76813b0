// Random effects in Gaussian experts (the flexmix FLXMRlmm / mixtools regmixEM.mixed model): group i
// belongs to one component z_i for all its members, and y_i | z_i = k ~ N(X_i beta_k, Z_i R_k Z_i' +
// sigma_k^2 I). EM over the complete data (z_i, b_i): the E-step gives P(z_i = k | y_i) and the
// posterior moments of b_i given z_i = k; the M-step is closed form (weighted least squares on
// y - Z E[b], then the variances), followed by a second cycle that re-weights the groups at the new
// variances and updates the fixed effects by generalized least squares (AECM), so every iteration
// increases the likelihood.
#include <cmath>
#include <cstdio>
#include <limits>

#include "moest/errors.hpp"
#include "moest/io/number_text.hpp"
#include "moest/expert/gaussian.hpp"
#include "moest/mixed/fit_mixed.hpp"
#include "moest/mixed/standard_errors.hpp"
#include "moest/rng.hpp"
#include "moest/solver/em.hpp"
#include "moest/solver/fit.hpp"
#include "moest/solver/starts.hpp"

namespace moest {

namespace {

/** The rows of one group. */
struct GroupRows {
  arma::vec y;
  arma::mat x, z;
};

struct ExpertParameters {
  std::vector<arma::vec> beta;  // K: fixed effects
  arma::vec sigma2;             // K: residual variances (all equal with a common variance)
  std::vector<arma::mat> R;     // K: random-effect covariances (r x r)
};

struct ExpertEStep {
  double logLikelihood = 0.0;
  arma::mat posterior;                      // G x K: P(z_g = k | y_g)
  std::vector<std::vector<arma::vec>> m;    // [g][k]: E[b_g | y_g, z_g = k]
  std::vector<std::vector<arma::mat>> C;    // [g][k]: Cov[b_g | y_g, z_g = k]
};

double LogSumExp(const arma::rowvec& a) {
  const double top = a.max();
  if (!std::isfinite(top)) return top;
  return top + std::log(arma::accu(arma::exp(a - top)));
}

/** The EM of one start: data cut into groups, the gate on the group-level design. */
class RandomExpertEm {
 public:
  RandomExpertEm(const Data& data, const arma::mat& z, const GroupIndex& groups, const MixedOptions& options)
      : groups_(groups), options_(options), floor_(AbsoluteVarianceFloor(data, options.fit.em)) {
    for (const arma::uvec& rows : groups.members) {
      rows_.push_back({data.y.col(0).eval().elem(rows), data.xExpert.rows(rows), z.rows(rows)});
    }
    groupGate_.set_size(groups.G(), data.xGate.n_cols);
    for (arma::uword g = 0; g < groups.G(); ++g) groupGate_.row(g) = data.xGate.row(groups.members[g](0));
  }

  const arma::mat& GroupGateDesign() const { return groupGate_; }
  Data GroupData() const { return Data(groupGate_, groupGate_, groupGate_); }

  ExpertEStep EStep(const Gate& gate, const ExpertParameters& theta) const {
    const arma::uword G = groups_.G(), K = theta.beta.size();
    ExpertEStep e;
    arma::mat logPi;
    gate.LogWeights(GroupData(), logPi);
    e.posterior.set_size(G, K);
    e.m.assign(G, std::vector<arma::vec>(K));
    e.C.assign(G, std::vector<arma::mat>(K));
    for (arma::uword g = 0; g < G; ++g) {
      const GroupRows& rows = rows_[g];
      const arma::uword ng = rows.y.n_elem;
      for (arma::uword k = 0; k < K; ++k) {
        const arma::mat RZt = theta.R[k] * rows.z.t();  // r x n_g
        const arma::mat V = rows.z * RZt + theta.sigma2(k) * arma::eye(ng, ng);
        arma::mat U;
        const arma::vec residual = rows.y - rows.x * theta.beta[k];
        if (!arma::chol(U, V)) {
          e.posterior(g, k) = -arma::datum::inf;
          e.m[g][k] = arma::zeros(RZt.n_rows);
          e.C[g][k] = theta.R[k];
          continue;
        }
        const arma::vec a = arma::solve(arma::trimatl(U.t()), residual);
        const arma::mat B = arma::solve(arma::trimatl(U.t()), RZt.t());  // n_g x r: U'^-1 Z R
        e.posterior(g, k) = logPi(g, k) - 0.5 * double(ng) * std::log(2.0 * M_PI) -
                            arma::accu(arma::log(U.diag())) - 0.5 * arma::dot(a, a);
        e.m[g][k] = B.t() * a;
        e.C[g][k] = theta.R[k] - B.t() * B;
      }
      const double lse = LogSumExp(e.posterior.row(g));
      e.logLikelihood += lse;
      e.posterior.row(g) = arma::exp(e.posterior.row(g) - lse);
    }
    return e;
  }

  /** Closed-form M-step of the experts from group weights `w` (G x K) and posterior moments. */
  StepReport MStepExperts(const arma::mat& w, const ExpertEStep* e, ExpertParameters& theta) const {
    StepReport report;
    const arma::uword K = w.n_cols, G = groups_.G();
    arma::vec ss(K, arma::fill::zeros), count(K, arma::fill::zeros);
    for (arma::uword k = 0; k < K; ++k) {
      const arma::uword p = rows_[0].x.n_cols, r = rows_[0].z.n_cols;
      arma::mat xtx(p, p, arma::fill::zeros);
      arma::vec xty(p, arma::fill::zeros);
      for (arma::uword g = 0; g < G; ++g) {
        const arma::vec target = e ? arma::vec(rows_[g].y - rows_[g].z * e->m[g][k]) : rows_[g].y;
        xtx += w(g, k) * rows_[g].x.t() * rows_[g].x;
        xty += w(g, k) * rows_[g].x.t() * target;
      }
      arma::vec beta;
      if (!arma::solve(beta, xtx, xty, arma::solve_opts::no_approx) || !beta.is_finite()) {
        report.singular = true;
        report.note = "expert " + std::to_string(k + 1) + ": its weighted design is singular";
        continue;
      }
      theta.beta[k] = beta;
      arma::mat rSum(r, r, arma::fill::zeros);
      for (arma::uword g = 0; g < G; ++g) {
        arma::vec residual = rows_[g].y - rows_[g].x * beta;
        double trace = 0.0;
        if (e) {
          residual -= rows_[g].z * e->m[g][k];
          trace = arma::trace(rows_[g].z * e->C[g][k] * rows_[g].z.t());
          rSum += w(g, k) * (e->m[g][k] * e->m[g][k].t() + e->C[g][k]);
        }
        ss(k) += w(g, k) * (arma::dot(residual, residual) + trace);
        count(k) += w(g, k) * double(rows_[g].y.n_elem);
      }
      if (e && !options_.fixVarianceAtZero) theta.R[k] = arma::symmatu(rSum / arma::accu(w.col(k)));
    }
    arma::vec sigma2 = options_.commonVariance ? arma::vec(K, arma::fill::value(arma::accu(ss) / arma::accu(count)))
                                               : arma::vec(ss / count);
    for (arma::uword k = 0; k < K; ++k) {
      if (!(sigma2(k) >= floor_)) {
        sigma2(k) = floor_;
        report.varianceFloorBound = true;
        if (report.note.empty()) report.note = "expert " + std::to_string(k + 1) + ": variance at its floor";
      }
    }
    theta.sigma2 = sigma2;
    return report;
  }

  /**
   * The fixed effects by generalized least squares on the marginal model, given the group weights `w`
   * (G x K) of an E-step at the current variances: beta_k = (sum_g w_gk X_g' V_gk^-1 X_g)^-1 sum_g
   * w_gk X_g' V_gk^-1 y_g. This maximizes the expected log-likelihood over the components alone
   * exactly, where the update on y - Z E[b] only maximizes the one over (z, b); the second data
   * augmentation has far less missing information, which matters when the random effects are large
   * or nearly singular (AECM, Meng & van Dyk 1997: each cycle still raises the likelihood).
   */
  void GlsFixedEffects(const arma::mat& w, ExpertParameters& theta) const {
    const arma::uword K = w.n_cols, p = rows_[0].x.n_cols;
    for (arma::uword k = 0; k < K; ++k) {
      arma::mat xtx(p, p, arma::fill::zeros);
      arma::vec xty(p, arma::fill::zeros);
      for (arma::uword g = 0; g < groups_.G(); ++g) {
        if (w(g, k) <= 0.0) continue;
        const GroupRows& rows = rows_[g];
        const arma::mat V = rows.z * theta.R[k] * rows.z.t() + theta.sigma2(k) * arma::eye(rows.y.n_elem, rows.y.n_elem);
        arma::mat U;
        if (!arma::chol(U, V)) return;  // leave beta as the complete-data step set it
        const arma::mat xw = arma::solve(arma::trimatl(U.t()), rows.x);
        const arma::vec yw = arma::solve(arma::trimatl(U.t()), rows.y);
        xtx += w(g, k) * xw.t() * xw;
        xty += w(g, k) * xw.t() * yw;
      }
      arma::vec beta;
      if (arma::solve(beta, xtx, xty, arma::solve_opts::no_approx) && beta.is_finite()) theta.beta[k] = beta;
    }
  }

  /** Starting values from group weights: the experts as if R = 0, then R_k a share of sigma_k^2. */
  ExpertParameters Start(const arma::mat& w, arma::uword r) const {
    const arma::uword K = w.n_cols;
    ExpertParameters theta{std::vector<arma::vec>(K), arma::vec(K), std::vector<arma::mat>(K)};
    MStepExperts(w, nullptr, theta);
    arma::mat ztz(r, r, arma::fill::zeros);
    double n = 0.0;
    for (const GroupRows& rows : rows_) {
      ztz += rows.z.t() * rows.z;
      n += double(rows.y.n_elem);
    }
    arma::mat scale;
    if (!arma::inv_sympd(scale, ztz / n)) scale = arma::eye(r, r);
    for (arma::uword k = 0; k < K; ++k) {
      theta.R[k] = options_.fixVarianceAtZero ? arma::mat(r, r, arma::fill::zeros) : arma::mat(0.5 * theta.sigma2(k) * scale);
    }
    return theta;
  }

 private:
  const GroupIndex& groups_;
  const MixedOptions& options_;
  double floor_;
  std::vector<GroupRows> rows_;
  arma::mat groupGate_;
};

/** One EM run from group weights `start`. */
struct ExpertRun {
  std::unique_ptr<Gate> gate;
  ExpertParameters theta;
  ExpertEStep e;
  FitStatistics stats;
};

ExpertRun RunExpertEm(const Model& prototype, const RandomExpertEm& em, const arma::mat& start, arma::uword r,
                      const MixedOptions& options, Observer& observer, int startIndex) {
  ExpertRun run;
  run.gate = prototype.gate().Clone();
  run.gate->SetInnerControl(options.fit.em.gateMaxNewton, options.fit.em.gateTolerance);
  StepReport report = run.gate->FitResponsibilities(em.GroupData(), start);
  run.theta = em.Start(start, r);
  FitStatistics& stats = run.stats;
  double previous = 0.0;
  for (int it = 1;; ++it) {
    run.e = em.EStep(*run.gate, run.theta);
    const double logLik = run.e.logLikelihood;
    TraceRow row;
    row.iteration = it;
    row.logLikelihood = logLik;
    if (it > 1) {
      row.relativeChange = (logLik - previous) / std::abs(previous);
      row.decrease = row.relativeChange < -1e-9;
    }
    stats.trace.push_back(row);
    stats.iterations = it;
    stats.logLikelihood = logLik;
    observer.OnIteration(startIndex, row);
    if (!std::isfinite(logLik)) {
      stats.status = FitStatus::NonFinite;
      stats.message = "the log-likelihood became " + NumberText(logLik) + " at iteration " + std::to_string(it);
      break;
    }
    if (report.singular) {
      stats.status = FitStatus::Degenerate;
      stats.message = "a component collapsed (" + report.note + ")";
      break;
    }
    if (it > 1 && std::abs(row.relativeChange) < options.fit.em.tolerance) {
      stats.status = FitStatus::Converged;
      stats.message = "relative change of the log-likelihood below " + NumberText(options.fit.em.tolerance);
      break;
    }
    if (observer.ShouldStop()) {
      stats.status = FitStatus::Interrupted;
      stats.message = "interrupted at iteration " + std::to_string(it);
      break;
    }
    if (it >= options.fit.em.maxIterations) {
      stats.status = FitStatus::MaxIterations;
      stats.message = "stopped at the cap of " + std::to_string(options.fit.em.maxIterations) +
                      " iterations before the log-likelihood settled";
      break;
    }
    previous = logLik;
    report = run.gate->FitResponsibilities(em.GroupData(), run.e.posterior);
    stats.gateCapHits += report.innerCapHit ? 1 : 0;
    report.Merge(em.MStepExperts(run.e.posterior, &run.e, run.theta));
    if (!report.singular) em.GlsFixedEffects(em.EStep(*run.gate, run.theta).posterior, run.theta);
  }
  stats.varianceFloorBound = report.varianceFloorBound;
  if (report.varianceFloorBound && stats.status == FitStatus::Converged) {
    stats.status = FitStatus::Degenerate;
    stats.message = "converged with a variance at its floor (" + report.note + ")";
  }
  return run;
}

/** Group weights of start s: s = 0 from the plain model's responsibilities, the others random partitions. */
arma::mat GroupStart(int s, const Model& prototype, const Data& data, const GroupIndex& groups,
                     const MixedOptions& options, Observer& observer) {
  const arma::uword K = prototype.K(), G = groups.G();
  arma::mat w(G, K, arma::fill::zeros);
  if (s == 0) {
    FitOptions plainOptions = options.fit;
    plainOptions.standardErrors = false;
    plainOptions.diagnostics = false;
    plainOptions.starts = std::min(plainOptions.starts, 3);
    const FitResult plain = Fit(prototype, data, plainOptions, observer);
    for (arma::uword i = 0; i < data.N(); ++i) w.row(groups.ofRow(i)) += plain.responsibilities.row(i);
    w.each_col() /= arma::sum(w, 1);
  } else {
    Rng rng(Rng::DeriveSeed(options.fit.seed, static_cast<std::uint64_t>(s)));
    w = PartitionToResponsibilities(RandomPartition(G, K, rng), K, options.fit.em.startSmoothing);
  }
  return (1.0 - options.fit.em.startSmoothing) * w + options.fit.em.startSmoothing / double(K);
}

void CheckGateConstantWithinGroups(const Data& data, const GroupIndex& groups, const std::string& column) {
  for (arma::uword g = 0; g < groups.G(); ++g) {
    const arma::uvec& rows = groups.members[g];
    for (arma::uword i = 1; i < rows.n_elem; ++i) {
      for (arma::uword j = 0; j < data.xGate.n_cols; ++j) {
        if (data.xGate(rows(i), j) != data.xGate(rows(0), j)) {
          throw InputError("gate design column " + std::to_string(j + 1) + " varies within group '" +
                           groups.names[g] + "' of '" + column + "' (rows " +
                           std::to_string(rows(0) + 1) + " and " + std::to_string(rows(i) + 1) +
                           "): with random effects in the experts a whole group shares its component, so the "
                           "gate may use group-level covariates only");
        }
      }
    }
  }
}

/**
 * The expert placement's unconstrained coordinates: [gate.Pack(); beta_1; ...; beta_K; log sigma_k
 * (one with a common variance); the lower triangle of each Cholesky factor of R_k, column by column,
 * its diagonal on the log scale (absent when the variance is fixed at 0)].
 */
class ExpertCoordinates {
 public:
  ExpertCoordinates(arma::uword gateSize, arma::uword K, arma::uword p, arma::uword r, const MixedOptions& options)
      : gateSize_(gateSize), K_(K), p_(p), r_(r), common_(options.commonVariance), fixedZero_(options.fixVarianceAtZero) {}

  arma::vec Pack(const Gate& gate, const ExpertParameters& theta) const {
    std::vector<double> out;
    const arma::vec g = gate.Pack();
    out.insert(out.end(), g.begin(), g.end());
    for (const arma::vec& beta : theta.beta) out.insert(out.end(), beta.begin(), beta.end());
    for (arma::uword k = 0; k < (common_ ? 1 : K_); ++k) out.push_back(0.5 * std::log(theta.sigma2(k)));
    if (!fixedZero_) {
      for (const arma::mat& R : theta.R) {
        arma::mat lower;
        if (!arma::chol(lower, R, "lower")) lower = arma::diagmat(arma::sqrt(arma::clamp(R.diag(), 1e-300, arma::datum::inf)));
        for (arma::uword b = 0; b < r_; ++b) {
          for (arma::uword a = b; a < r_; ++a) out.push_back(a == b ? std::log(lower(a, a)) : lower(a, b));
        }
      }
    }
    return arma::vec(out);
  }

  void Unpack(const arma::vec& x, Gate& gate, ExpertParameters& theta) const {
    gate.Unpack(x.head(gateSize_));
    arma::uword at = gateSize_;
    for (arma::uword k = 0; k < K_; ++k, at += p_) theta.beta[k] = x.subvec(at, at + p_ - 1);
    for (arma::uword k = 0; k < K_; ++k) theta.sigma2(k) = std::exp(2.0 * x(at + (common_ ? 0 : k)));
    at += common_ ? 1 : K_;
    if (fixedZero_) return;
    for (arma::uword k = 0; k < K_; ++k) {
      arma::mat lower(r_, r_, arma::fill::zeros);
      for (arma::uword b = 0; b < r_; ++b) {
        for (arma::uword a = b; a < r_; ++a, ++at) lower(a, b) = a == b ? std::exp(x(at)) : x(at);
      }
      theta.R[k] = lower * lower.t();
    }
  }

 private:
  arma::uword gateSize_, K_, p_, r_;
  bool common_, fixedZero_;
};

/** R_k's lower triangles, column by column, in component order. */
arma::vec CovarianceEntries(const std::vector<arma::mat>& R) {
  std::vector<double> out;
  for (const arma::mat& m : R) {
    for (arma::uword b = 0; b < m.n_cols; ++b) {
      for (arma::uword a = b; a < m.n_rows; ++a) out.push_back(m(a, b));
    }
  }
  return arma::vec(out);
}

/** Standard errors of the expert placement from the Hessian of its exact marginal log-likelihood. */
StandardErrors ExpertStandardErrors(const RandomExpertEm& em, const Model& model, const ExpertParameters& estimate,
                                    const MixedOptions& options, std::vector<arma::mat>& varianceSe) {
  const arma::uword K = model.K(), p = estimate.beta[0].n_elem, r = estimate.R[0].n_rows;
  const ExpertCoordinates coordinates(model.gate().NumParameters(), K, p, r, options);
  std::unique_ptr<Gate> gate = model.gate().Clone();
  ExpertParameters theta = estimate;
  Model probe = model;
  MarginalLikelihood problem;
  problem.theta = coordinates.Pack(model.gate(), estimate);
  problem.moving = AllCoordinates(problem.theta.n_elem);
  problem.logLikelihood = [&](const arma::vec& x) {
    coordinates.Unpack(x, *gate, theta);
    return em.EStep(*gate, theta).logLikelihood;
  };
  problem.natural = [&](const arma::vec& x) {
    coordinates.Unpack(x, probe.gate(), theta);
    for (arma::uword k = 0; k < K; ++k) {
      probe.expert(k).SetBlocks({{"coefficients", theta.beta[k]},
                                 {"sigma", arma::mat(1, 1, arma::fill::value(std::sqrt(theta.sigma2(k))))}});
    }
    const arma::vec flat = FlattenNatural(probe);
    return options.fixVarianceAtZero ? flat : arma::vec(arma::join_cols(flat, CovarianceEntries(theta.R)));
  };
  if (!options.fixVarianceAtZero) {
    for (arma::uword k = 0; k < K; ++k) {
      for (arma::uword b = 0; b < r; ++b) {
        for (arma::uword a = b; a < r; ++a) {
          problem.varianceLabels.push_back("random.Comp." + std::to_string(k + 1) + "[" + std::to_string(a + 1) + "," +
                                           std::to_string(b + 1) + "]");
        }
      }
    }
  }
  arma::vec flatSe;
  StandardErrors se = MarginalStandardErrors(problem, model, flatSe);
  varianceSe.clear();
  arma::uword at = 0;
  for (arma::uword k = 0; k < K; ++k) {
    arma::mat m(r, r, arma::fill::value(arma::datum::nan));
    for (arma::uword b = 0; b < r; ++b) {
      for (arma::uword a = b; a < r; ++a, ++at) {
        if (at < flatSe.n_elem) m(a, b) = m(b, a) = flatSe(at);
      }
    }
    varianceSe.push_back(m);
  }
  return se;
}

}  // namespace

MixedFit FitRandomExpert(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                         const GroupIndex& groups, const MixedOptions& options, Observer& observer) {
  CheckGateConstantWithinGroups(data, groups, options.groupName);
  const arma::uword K = prototype.K(), r = randomDesign.n_cols, G = groups.G();
  const RandomExpertEm em(data, randomDesign, groups, options);
  ExpertRun best;
  bool haveBest = false;
  std::vector<double> finals;
  for (int s = 0; s < options.fit.starts; ++s) {
    const arma::mat start = GroupStart(s, prototype, data, groups, options, observer);
    ExpertRun run = RunExpertEm(prototype, em, start, r, options, observer, s);
    observer.OnStartFinished(s, run.stats);
    const bool usable = run.stats.status != FitStatus::NonFinite;
    const bool interrupted = run.stats.status == FitStatus::Interrupted;
    finals.push_back(usable ? run.stats.logLikelihood : std::numeric_limits<double>::quiet_NaN());
    if (!haveBest || (usable && (best.stats.status == FitStatus::NonFinite ||
                                 run.stats.logLikelihood > best.stats.logLikelihood))) {
      best = std::move(run);
      best.stats.bestStart = s;
      haveBest = true;
    }
    if (interrupted) break;
  }

  MixedFit out;
  out.placement = RandomPlacement::Expert;
  out.integration = "exact";
  std::vector<std::unique_ptr<Expert>> experts;
  for (arma::uword k = 0; k < K; ++k) {
    auto expert = std::make_unique<GaussianExpert>(data.xExpert.n_cols);
    expert->SetBlocks({{"coefficients", best.theta.beta[k]},
                       {"sigma", arma::mat(1, 1, arma::fill::value(std::sqrt(best.theta.sigma2(k))))}});
    experts.push_back(std::move(expert));
  }
  const arma::uword gateParameters = best.gate->NumParameters();
  out.model = Model(std::move(best.gate), std::move(experts));
  out.varianceComponents = best.theta.R;
  out.groupPosterior = best.e.posterior;
  out.ranef.zeros(G, r);
  out.ranefSd.zeros(G, r);
  for (arma::uword g = 0; g < G; ++g) {
    arma::vec mean(r, arma::fill::zeros);
    arma::mat second(r, r, arma::fill::zeros);
    for (arma::uword k = 0; k < K; ++k) {
      const double w = best.e.posterior(g, k);
      mean += w * best.e.m[g][k];
      second += w * (best.e.m[g][k] * best.e.m[g][k].t() + best.e.C[g][k]);
    }
    out.ranef.row(g) = mean.t();
    out.ranefSd.row(g) = arma::sqrt(arma::clamp(arma::diagvec(second - mean * mean.t()), 0.0, arma::datum::inf)).t();
  }
  if (options.fit.standardErrors && std::isfinite(best.stats.logLikelihood)) {
    best.stats.standardErrors = ExpertStandardErrors(em, out.model, best.theta, options, out.varianceSe);
  }
  out.responsibilities = best.e.posterior.rows(groups.ofRow);
  out.groupLabels = groups.labels;
  out.stats = std::move(best.stats);
  FitStatistics& stats = out.stats;
  stats.nParameters = gateParameters + K * data.xExpert.n_cols + (options.commonVariance ? 1 : K) +
                      (options.fixVarianceAtZero ? 0 : K * r * (r + 1) / 2);
  stats.n = data.N();
  stats.objective = "conditional";
  stats.conditionalLogLikelihood = stats.logLikelihood;
  stats.criteria = ComputeCriteria(stats.logLikelihood, stats.nParameters, stats.n, out.responsibilities);
  stats.seed = options.fit.seed;
  stats.startLogLikelihoods = finals;
  stats.solver = "em";
  return out;
}

}  // namespace moest
