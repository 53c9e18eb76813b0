#include "moest/stream/stream_em.hpp"

#include <chrono>
#include <cmath>

#include "moest/blas_threads.hpp"
#include "moest/errors.hpp"
#include "moest/expert/gaussian.hpp"
#include "moest/gate/gaussian_density.hpp"
#include "moest/gate/softmax.hpp"
#include "moest/model/information_criteria.hpp"
#include "moest/model/kernels.hpp"
#include "moest/model/packing.hpp"
#include "moest/solver/em.hpp"

namespace moest {

namespace {

using Clock = std::chrono::steady_clock;

// The supported gates, or null.
SoftmaxGate* AsSoftmax(Gate& gate) {
  auto* softmax = dynamic_cast<SoftmaxGate*>(&gate);
  return softmax != nullptr && gate.Spec().options.empty() ? softmax : nullptr;
}
GaussianDensityGate* AsDensity(Gate& gate) { return dynamic_cast<GaussianDensityGate*>(&gate); }

// Everything one pass sums over the rows, flattened for the reducer.
struct PassSums {
  arma::vec scalars;          // log-likelihood, entropy of r, log marginal of x (joint gates), rows, stop votes
  arma::rowvec expertTotal;   // 1 x K
  arma::cube xtwx;            // p x p x K
  arma::mat xtwy, xtwe;       // p x K; e = y - x'beta at the pass's coefficients
  arma::rowvec ewe;           // sum_i w_ik e_ik^2
  SoftmaxNewtonPoint gate;    // softmax: objective, gradient, negative Hessian at the pass's coefficients
  arma::rowvec densityTotal;  // Gaussian-density gate: weights, weighted sums and scatters about
  arma::mat densitySum;       // the pass's means
  arma::cube densityScatter;

  std::vector<std::pair<double*, arma::uword>> Parts() {
    return {{scalars.memptr(), scalars.n_elem},         {expertTotal.memptr(), expertTotal.n_elem},
            {xtwx.memptr(), xtwx.n_elem},               {xtwy.memptr(), xtwy.n_elem},
            {xtwe.memptr(), xtwe.n_elem},               {ewe.memptr(), ewe.n_elem},
            {&gate.objective, 1},                       {gate.gradient.memptr(), gate.gradient.n_elem},
            {gate.negHessian.memptr(), gate.negHessian.n_elem}, {densityTotal.memptr(), densityTotal.n_elem},
            {densitySum.memptr(), densitySum.n_elem},   {densityScatter.memptr(), densityScatter.n_elem}};
  }
};

// Sums of all processes, in place.
void Reduce(std::vector<std::pair<double*, arma::uword>> parts, Reducer& reducer) {
  arma::uword total = 0;
  for (const auto& part : parts) total += part.second;
  arma::vec flat(total);
  arma::uword at = 0;
  for (const auto& part : parts) {
    std::copy(part.first, part.first + part.second, flat.memptr() + at);
    at += part.second;
  }
  reducer.Sum(flat);
  at = 0;
  for (const auto& part : parts) {
    std::copy(flat.memptr() + at, flat.memptr() + at + part.second, part.first);
    at += part.second;
  }
}

struct Shape {
  arma::uword K = 0, p = 0, q = 0, dimension = 0;  // dimension: of a density gate's covariates
  bool softmax = false, density = false;
};

// What the M-steps need from the whole data once: n and the scales behind the variance floors.
struct DataScales {
  double n = 0.0;
  double varianceY = 1.0;  // var(y), denominator n - 1, as the in-memory floor
  arma::vec gateFloor;     // DensityGate::ScaleFloor of the gate covariates
};

// Two passes (sums, then squared deviations) so the variances are as accurate as in memory. Bad data
// in any shard is found here, before any fitting: each process votes, and all stop together.
DataScales ScanData(ChunkedData& data, const Shape& shape, Reducer& reducer) {
  const arma::uword d = shape.density ? shape.dimension : 0;
  arma::vec sums(d + 3, arma::fill::zeros);  // rows, sum y, sum x_j, bad-input votes
  std::string problem;
  ChunkDesign chunk;
  try {
    data.Rewind();
    while (data.Next(chunk)) {
      sums[0] += chunk.y.n_rows;
      sums[1] += arma::accu(chunk.y.col(0));
      if (d > 0) sums.subvec(2, d + 1) += arma::sum(chunk.xGate.cols(1, d), 0).t();
    }
  } catch (const InputError& error) {
    problem = error.what();
    sums[d + 2] = 1.0;
  }
  reducer.Sum(sums);
  if (sums[d + 2] > 0.0) {
    throw InputError(!problem.empty() ? problem : "another process of the distributed fit found bad input");
  }
  DataScales scales;
  scales.n = sums[0];
  const double meanY = sums[1] / scales.n;
  const arma::vec meanX = d > 0 ? arma::vec(sums.subvec(2, d + 1) / scales.n) : arma::vec();
  arma::vec squares(d + 1, arma::fill::zeros);
  data.Rewind();
  while (data.Next(chunk)) {
    squares[0] += arma::accu(arma::square(chunk.y.col(0) - meanY));
    if (d > 0) {
      const arma::mat centred = chunk.xGate.cols(1, d).eval().each_row() - meanX.t();
      squares.tail(d) += arma::sum(arma::square(centred), 0).t();
    }
  }
  reducer.Sum(squares);
  scales.varianceY = scales.n > 1.0 ? squares[0] / (scales.n - 1.0) : 1.0;
  if (d > 0) {
    scales.gateFloor = squares.tail(d) / scales.n;
    for (arma::uword j = 0; j < d; ++j) {
      if (scales.gateFloor[j] == 0.0) {
        throw InputError("gate covariate " + std::to_string(j + 1) +
                         " is constant: a density gate cannot model its distribution");
      }
    }
    scales.gateFloor *= 1e-8;
  }
  return scales;
}

// The E-step at `model` over every chunk, with the sums of every M-step.
PassSums Pass(Model& model, ChunkedData& data, const Shape& shape, Reducer& reducer, Observer& observer) {
  PassSums sums;
  const arma::uword K = shape.K, p = shape.p, d = shape.dimension;
  sums.scalars.zeros(5);
  sums.expertTotal.zeros(K);
  sums.xtwx.zeros(p, p, K);
  sums.xtwy.zeros(p, K);
  sums.xtwe.zeros(p, K);
  sums.ewe.zeros(K);
  sums.gate.gradient.zeros(shape.softmax ? shape.q : 0, shape.softmax ? K - 1 : 0);
  sums.gate.negHessian.zeros(shape.softmax ? shape.q * (K - 1) : 0, shape.softmax ? shape.q * (K - 1) : 0);
  sums.densityTotal.zeros(shape.density ? K : 0);
  sums.densitySum.zeros(d, shape.density ? K : 0);
  sums.densityScatter.zeros(d, d, shape.density ? K : 0);
  const SoftmaxGate* softmax = shape.softmax ? AsSoftmax(model.gate()) : nullptr;
  const GaussianDensityGate* density = shape.density ? AsDensity(model.gate()) : nullptr;

  ChunkDesign chunk;
  arma::mat r, logG, gradient, negHessian, xtwy;
  arma::cube xtwx;
  arma::vec ytwy, totals, residual;
  data.Rewind();
  while (data.Next(chunk)) {
    const Data rows(chunk.y, chunk.xExpert, chunk.xGate);
    sums.scalars[0] += model.EStep(rows, r);
    sums.scalars[1] += kernels::Entropy(r.memptr(), r.n_elem);  // as ComputeCriteria
    sums.scalars[3] += chunk.y.n_rows;
    kernels::JointWeightedCrossProducts(chunk.xExpert, r, chunk.y.colptr(0), xtwx, xtwy, ytwy, totals);
    sums.xtwx += xtwx;
    sums.xtwy += xtwy;
    sums.expertTotal += totals.t();
    for (arma::uword k = 0; k < K; ++k) {
      const auto& expert = static_cast<const GaussianExpert&>(model.expert(k));
      residual = chunk.y.col(0) - chunk.xExpert * expert.Coefficients();
      sums.xtwe.col(k) += chunk.xExpert.t() * (r.col(k) % residual);
      sums.ewe[k] += arma::dot(r.col(k), arma::square(residual));
    }
    if (softmax != nullptr && K > 1) {
      sums.gate.objective += kernels::SoftmaxEvaluate(chunk.xGate, softmax->Coefficients(), r, logG, &gradient,
                                                      &negHessian);
      sums.gate.gradient += gradient;
      sums.gate.negHessian += negHessian;
    }
    if (density != nullptr) {
      const arma::mat x = chunk.xGate.cols(1, d);
      sums.densityTotal += arma::sum(r, 0);
      sums.densitySum += x.t() * r;
      for (arma::uword k = 0; k < K; ++k) {
        const arma::mat centred = x.each_row() - density->Means().col(k).t();
        sums.densityScatter.slice(k) += centred.t() * (centred.each_col() % r.col(k));
      }
      density->LogJointWeights(rows, logG);
      sums.scalars[2] += NormaliseRows(logG);
    }
  }
  // Every process stops when one is asked to (each must make the same reductions).
  sums.scalars[4] = observer.ShouldStop() ? 1.0 : 0.0;
  Reduce(sums.Parts(), reducer);
  return sums;
}

// One pass for a trial of the softmax gate's Newton loop: the responsibilities from the E-step's
// parameters `old`, the gate objective and its derivatives at the trial coefficients `w`.
SoftmaxNewtonPoint SoftmaxPass(const Model& old, const arma::mat& w, ChunkedData& data, Reducer& reducer) {
  SoftmaxNewtonPoint point;
  const arma::uword m = w.n_rows * (w.n_cols - 1);
  point.gradient.zeros(w.n_rows, w.n_cols - 1);
  point.negHessian.zeros(m, m);
  ChunkDesign chunk;
  arma::mat r, logG, gradient, negHessian;
  data.Rewind();
  while (data.Next(chunk)) {
    old.EStep(Data(chunk.y, chunk.xExpert, chunk.xGate), r);
    point.objective += kernels::SoftmaxEvaluate(chunk.xGate, w, r, logG, &gradient, &negHessian);
    point.gradient += gradient;
    point.negHessian += negHessian;
  }
  Reduce({{&point.objective, 1},
          {point.gradient.memptr(), point.gradient.n_elem},
          {point.negHessian.memptr(), point.negHessian.n_elem}},
         reducer);
  return point;
}

// The M-steps of the gate and the experts from a pass's sums (as MStep in solver/em.cpp).
StepReport StreamMStep(Model& model, const PassSums& sums, const Shape& shape, const DataScales& scales,
                       ChunkedData& data, Reducer& reducer) {
  const Model old = model;
  StepReport report;
  if (SoftmaxGate* softmax = shape.softmax ? AsSoftmax(model.gate()) : nullptr) {
    report = softmax->FitNewton(sums.gate, [&](const arma::mat& w, SoftmaxNeeds) { return SoftmaxPass(old, w, data, reducer); });
  } else if (GaussianDensityGate* density = AsDensity(model.gate())) {
    const arma::mat oldMeans = density->Means();
    arma::mat means = sums.densitySum;
    arma::cube scatters = sums.densityScatter;
    for (arma::uword k = 0; k < shape.K; ++k) {
      const double total = sums.densityTotal[k];
      if (!(total > 0.0)) continue;
      means.col(k) /= total;
      // The scatter about the new mean from the one about the pass's: S - total d d', d = m_new - m_old.
      const arma::vec shift = means.col(k) - oldMeans.col(k);
      scatters.slice(k) = (scatters.slice(k) - total * shift * shift.t()) / total;
    }
    report = density->FitMoments(sums.densityTotal, means, scatters, scales.gateFloor);
  }
  if (!report.note.empty()) report.note = "gate: " + report.note;
  for (arma::uword k = 0; k < shape.K; ++k) {
    auto& expert = static_cast<GaussianExpert&>(model.expert(k));
    const arma::vec before = static_cast<const GaussianExpert&>(old.expert(k)).Coefficients();
    const arma::mat& xtwx = sums.xtwx.slice(k);
    // sum w (y - x'b)^2 = sum w e^2 - 2 d'X'We + d'X'WX d with e the residual at the old b, d = b - b_old.
    const auto rss = [&](const arma::vec& beta) {
      const arma::vec step = beta - before;
      return sums.ewe[k] - 2.0 * arma::dot(step, sums.xtwe.col(k)) + arma::dot(step, xtwx * step);
    };
    StepReport expertReport = expert.FitCrossProducts(xtwx, sums.xtwy.col(k), sums.expertTotal[k],
                                                      static_cast<arma::uword>(scales.n), rss);
    if (!expertReport.note.empty()) expertReport.note = "expert " + std::to_string(k + 1) + ": " + expertReport.note;
    report.Merge(expertReport);
  }
  return report;
}

}  // namespace

void CheckStreamable(const Model& model, const EmOptions& options) {
  for (arma::uword k = 0; k < model.K(); ++k) {
    if (dynamic_cast<const GaussianExpert*>(&model.expert(k)) == nullptr) {
      throw InputError("--expert " + model.expert(k).Family() +
                       " is not supported in streaming/distributed mode (gaussian experts are)");
    }
  }
  Gate& gate = const_cast<Gate&>(model.gate());
  if (AsSoftmax(gate) == nullptr && AsDensity(gate) == nullptr) {
    throw InputError("--gate " + gate.Spec().ToString() +
                     " is not supported in streaming/distributed mode (softmax and gaussian_density are)");
  }
  if (options.rule != StoppingRule::Relative) {
    throw InputError("--stopping aitken is not supported in streaming/distributed mode (relative is)");
  }
  if (options.variant != EmVariant::Standard) {
    throw InputError("--em-variant " + EmVariantName(options.variant) +
                     " is not supported in streaming/distributed mode (standard EM is)");
  }
  if (!options.fixed.empty()) throw InputError("--fix is not supported in streaming/distributed mode");
}

FitResult RunStreamingEm(Model model, ChunkedData& data, const EmOptions& options, Observer& observer,
                         Reducer& reducer) {
  const OneBlasThread blas;  // moest's threads are the parallel ones (moest/blas_threads.hpp)
  CheckStreamable(model, options);
  Shape shape;
  shape.K = model.K();
  shape.p = data.ExpertNames().size();
  shape.q = data.GateNames().size();
  shape.softmax = AsSoftmax(model.gate()) != nullptr;
  if (const GaussianDensityGate* density = AsDensity(model.gate())) {
    shape.density = true;
    shape.dimension = density->Dimension();
  }
  const DataScales scales = ScanData(data, shape, reducer);
  const double floor = options.varianceFloor * (scales.varianceY > 0.0 ? scales.varianceY : 1.0);
  for (arma::uword k = 0; k < model.K(); ++k) model.expert(k).SetVarianceFloor(floor);
  model.gate().SetInnerControl(options.gateMaxNewton, options.gateTolerance);
  model.gate().SetNewtonSteps(0);  // the first M-step, from the start, is solved (as RunEm)

  FitResult result;
  FitStatistics& stats = result.stats;
  auto last = Clock::now();
  // As a fit from a start model: the E-step at the start, then the first M-step on it.
  PassSums sums = Pass(model, data, shape, reducer, observer);
  StepReport report = StreamMStep(model, sums, shape, scales, data, reducer);
  stats.gateCapHits += report.innerCapHit ? 1 : 0;
  model.gate().SetNewtonSteps(GateStepsAfterStart(options));
  double previous = 0.0;
  arma::vec previousTheta;
  for (int it = 1;; ++it) {
    sums = Pass(model, data, shape, reducer, observer);
    const double logLik = sums.scalars[0];
    TraceRow row;
    row.iteration = it;
    row.logLikelihood = logLik;
    const arma::vec theta = PackModel(model);
    if (it > 1) {
      row.relativeChange = (logLik - previous) / std::abs(previous);
      row.decrease = row.relativeChange < -1e-9;
      row.parameterStep = arma::norm(theta - previousTheta);
    }
    previousTheta = theta;
    row.seconds = std::chrono::duration<double>(Clock::now() - last).count();
    last = Clock::now();
    stats.trace.push_back(row);
    stats.iterations = it;
    stats.logLikelihood = logLik;
    observer.OnIteration(0, row);
    if (EmStops(it, logLik, row, previous, 0.0, report, sums.scalars[4] > 0.0, options, stats)) break;
    report = StreamMStep(model, sums, shape, scales, data, reducer);
    stats.gateCapHits += report.innerCapHit ? 1 : 0;
    previous = logLik;
  }
  model.gate().SetNewtonSteps(0);
  FinishEmStatus(report, stats);
  stats.objective = model.gate().IsJoint() ? "joint" : "conditional";
  stats.conditionalLogLikelihood = model.gate().IsJoint() ? stats.logLikelihood - sums.scalars[2] : stats.logLikelihood;
  stats.nParameters = model.NumParameters();
  stats.n = static_cast<arma::uword>(scales.n);
  stats.criteria = ComputeCriteria(stats.logLikelihood, stats.nParameters, stats.n, arma::mat());
  stats.criteria.icl = stats.criteria.bic + 2.0 * sums.scalars[1];
  stats.startLogLikelihoods = {stats.logLikelihood};
  stats.startsReachingBest = 1;
  result.model = std::move(model);
  return result;
}

}  // namespace moest
