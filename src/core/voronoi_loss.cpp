#include "moest/rates/voronoi_loss.hpp"

#include <cmath>
#include <limits>

#include <nlopt.hpp>

#include "moest/errors.hpp"

namespace moest {

namespace {

/** The fitted atoms moved by translation t = (t0, t1...): t0 on the log-weights, t1 on translatable parts. */
MixingAtoms Translated(const MixingAtoms& atoms, const arma::vec& t) {
  MixingAtoms moved = atoms;
  if (t.n_elem == 0) return moved;
  moved.logWeight += t[0];
  arma::uword offset = 1;
  for (AtomPart& part : moved.parts) {
    if (!part.translatable) continue;
    part.value.each_col() += t.subvec(offset, offset + part.value.n_rows - 1);
    offset += part.value.n_rows;
  }
  return moved;
}

/** Dimension of t1: the rows of every translatable part. */
arma::uword SlopeDimension(const MixingAtoms& atoms) {
  arma::uword d = 0;
  for (const AtomPart& part : atoms.parts) d += part.translatable ? part.value.n_rows : 0;
  return d;
}

void CheckCompatible(const MixingAtoms& truth, const MixingAtoms& fitted) {
  if (truth.parts.size() != fitted.parts.size()) throw InputError("the true and fitted models have different parameters");
  for (std::size_t p = 0; p < truth.parts.size(); ++p) {
    if (truth.parts[p].name != fitted.parts[p].name || truth.parts[p].value.n_rows != fitted.parts[p].value.n_rows) {
      throw InputError("the true and fitted models differ in parameter '" + truth.parts[p].name +
                       "': compare models of the same gate and expert families and dimensions");
    }
  }
}

/** ||theta_p,i - theta*_p,j|| for every part p: a parts x 1 vector. */
arma::vec PartDistances(const MixingAtoms& truth, const MixingAtoms& fitted, arma::uword i, arma::uword j) {
  arma::vec d(truth.parts.size());
  for (std::size_t p = 0; p < truth.parts.size(); ++p) {
    d[p] = arma::norm(fitted.parts[p].value.col(i) - truth.parts[p].value.col(j));
  }
  return d;
}

/**
 * The loss at a fixed translation of the fitted atoms, with exp(t0) left as a free factor u:
 * D(u) = sum_j |u S_j - w*_j| + u C, minimised over the breakpoints u = w*_j / S_j (the function is
 * convex and piecewise linear in u). When `shiftWeights` is false, u = 1.
 */
VoronoiLoss LossAtTranslation(const MixingAtoms& truth, const MixingAtoms& fitted, VoronoiKind kind,
                              const VoronoiExponents& exponents, bool shiftWeights) {
  const arma::uword Kt = truth.K(), Kf = fitted.K(), P = truth.parts.size();
  VoronoiLoss loss;
  loss.cell.set_size(Kf);
  arma::mat distances(P, Kf);
  for (arma::uword i = 0; i < Kf; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (arma::uword j = 0; j < Kt; ++j) {
      const arma::vec d = PartDistances(truth, fitted, i, j);
      if (arma::accu(d) < best) {
        best = arma::accu(d);
        loss.cell[i] = j;
        distances.col(i) = d;
      }
    }
  }
  arma::uvec cellSize(Kt, arma::fill::zeros);
  for (arma::uword i = 0; i < Kf; ++i) ++cellSize[loss.cell[i]];
  loss.largestCell = cellSize.max();
  if (kind == VoronoiKind::OverFitted && loss.largestCell > 3) {
    // No exponent for such a cell: infinite here, so that a search steers away; an error if it stays.
    loss.total = std::numeric_limits<double>::infinity();
    return loss;
  }

  const arma::rowvec w = arma::exp(fitted.logWeight), wTrue = arma::exp(truth.logWeight);
  arma::vec cellWeight(Kt, arma::fill::zeros);
  arma::vec partTerms(P, arma::fill::zeros);  // D1-style per part, at u = 1
  double parameterTerm = 0.0;                 // the loss's own parameter term, at u = 1
  for (arma::uword i = 0; i < Kf; ++i) {
    const arma::uword m = cellSize[loss.cell[i]];
    cellWeight[loss.cell[i]] += w[i];
    for (arma::uword p = 0; p < P; ++p) {
      partTerms[p] += w[i] * distances(p, i);
      double exponent = 1.0;
      if (kind == VoronoiKind::OverFitted && m > 1) {
        auto found = exponents.order.find(truth.parts[p].name);
        exponent = VoronoiExponent(m) * (found == exponents.order.end() ? 1.0 : found->second);
      }
      parameterTerm += w[i] * std::pow(distances(p, i), exponent);
    }
  }
  auto total = [&](double u) {
    return arma::accu(arma::abs(u * cellWeight - wTrue.t())) + u * parameterTerm;
  };
  double u = 1.0;
  if (shiftWeights) {
    double best = total(1.0);
    for (arma::uword j = 0; j < Kt; ++j) {
      if (cellWeight[j] <= 0.0) continue;
      const double candidate = wTrue[j] / cellWeight[j];
      if (total(candidate) < best) {
        best = total(candidate);
        u = candidate;
      }
    }
  }
  loss.total = total(u);
  loss.weight = arma::accu(arma::abs(u * cellWeight - wTrue.t()));
  for (arma::uword p = 0; p < P; ++p) loss.parts.push_back({truth.parts[p].name, u * partTerms[p]});
  loss.translation = arma::vec{std::log(u)};
  return loss;
}

struct SearchContext {
  const MixingAtoms* truth;
  const MixingAtoms* fitted;
  VoronoiKind kind;
  const VoronoiExponents* exponents;
};

VoronoiLoss LossAtSlopeShift(const SearchContext& c, const arma::vec& t1) {
  const MixingAtoms moved = Translated(*c.fitted, arma::join_cols(arma::vec{0.0}, t1));
  VoronoiLoss loss = LossAtTranslation(*c.truth, moved, c.kind, *c.exponents, true);
  loss.translation = arma::join_cols(loss.translation, t1);
  return loss;
}

double SearchObjective(const std::vector<double>& x, std::vector<double>& /*grad*/, void* data) {
  const auto* c = static_cast<const SearchContext*>(data);
  return LossAtSlopeShift(*c, arma::vec(x)).total;
}

/** The translations that align fitted atom i's translatable parts with true atom j's. */
std::vector<arma::vec> AlignmentCandidates(const MixingAtoms& truth, const MixingAtoms& fitted) {
  std::vector<arma::vec> candidates;
  for (arma::uword i = 0; i < fitted.K(); ++i) {
    for (arma::uword j = 0; j < truth.K(); ++j) {
      arma::vec t;
      for (std::size_t p = 0; p < truth.parts.size(); ++p) {
        if (truth.parts[p].translatable) t = arma::join_cols(t, truth.parts[p].value.col(j) - fitted.parts[p].value.col(i));
      }
      candidates.push_back(t);
    }
  }
  return candidates;
}

/** The loss itself, or the exponent table's InputError when its largest cell has no exponent. */
VoronoiLoss Checked(VoronoiLoss loss) {
  if (std::isinf(loss.total)) VoronoiExponent(loss.largestCell);
  return loss;
}

}  // namespace

VoronoiExponents VoronoiExponents::Softmax() {
  return {{{"gate_slope", 1.0}, {"expert_intercept", 1.0}, {"expert_slope", 0.5}, {"expert_variance", 0.5}}};
}

VoronoiExponents VoronoiExponents::GaussianGate() {
  return {{{"gate_location", 1.0}, {"gate_scale", 0.5}, {"expert_intercept", 1.0}, {"expert_slope", 1.0},
           {"expert_variance", 0.5}}};
}

VoronoiExponents VoronoiExponents::LaplaceGate() {
  return {{{"gate_centre", 0.5}, {"expert_intercept", 0.5}, {"expert_slope", 0.5}, {"expert_variance", 0.5}}};
}

double VoronoiExponent(arma::uword cellSize) {
  switch (cellSize) {
    case 1: return 1.0;
    case 2: return 4.0;
    case 3: return 6.0;
    default:
      throw InputError("a Voronoi cell of " + std::to_string(cellSize) +
                       " fitted atoms needs the exponent rbar(" + std::to_string(cellSize) +
                       "), which is not known in closed form (the table covers cells of up to 3 atoms): fit fewer "
                       "components or use the exact-fitted loss D1");
  }
}

VoronoiLoss ComputeVoronoiLoss(const MixingAtoms& truth, const MixingAtoms& fitted, VoronoiKind kind,
                               const VoronoiExponents& exponents) {
  CheckCompatible(truth, fitted);
  const arma::uword d = SlopeDimension(fitted);
  if (!fitted.logWeightShift || d == 0) {
    VoronoiLoss loss = LossAtTranslation(truth, fitted, kind, exponents, fitted.logWeightShift);
    if (!fitted.logWeightShift) loss.translation.reset();
    return Checked(loss);
  }
  SearchContext context{&truth, &fitted, kind, &exponents};
  arma::vec start(d, arma::fill::zeros);
  double best = LossAtSlopeShift(context, start).total;
  for (const arma::vec& candidate : AlignmentCandidates(truth, fitted)) {
    const double value = LossAtSlopeShift(context, candidate).total;
    if (value < best) {
      best = value;
      start = candidate;
    }
  }
  nlopt::opt optimizer(nlopt::LN_NELDERMEAD, static_cast<unsigned>(d));
  optimizer.set_min_objective(SearchObjective, &context);
  optimizer.set_xtol_abs(1e-12);
  optimizer.set_ftol_abs(1e-15);
  optimizer.set_maxeval(static_cast<int>(400 * d));
  const arma::vec step = arma::max(0.05 * arma::abs(start), arma::vec(d, arma::fill::value(1e-3)));
  optimizer.set_initial_step(std::vector<double>(step.begin(), step.end()));
  std::vector<double> x(start.begin(), start.end());
  double value = best;
  try {
    optimizer.optimize(x, value);
  } catch (const std::exception&) {
    // A failed search keeps the best point NLopt reached (x), which is never worse than the start.
  }
  VoronoiLoss atSearch = LossAtSlopeShift(context, arma::vec(x));
  VoronoiLoss atStart = LossAtSlopeShift(context, start);
  return Checked(atSearch.total <= atStart.total ? atSearch : atStart);
}

VoronoiLoss ComputeVoronoiLoss(const Model& truth, const Model& fitted, VoronoiKind kind,
                               const VoronoiExponents& exponents) {
  return ComputeVoronoiLoss(AtomsOf(truth), AtomsOf(fitted), kind, exponents);
}

}  // namespace moest
