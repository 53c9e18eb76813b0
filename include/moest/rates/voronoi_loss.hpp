// The Voronoi losses of THEORY.md section 5 (Nguyen, Nguyen & Ho, NeurIPS 2023, and follow-ups).
//
// Each fitted atom i joins the cell A_j of its nearest true atom j (distance: the sum over parts of
// the Euclidean norms of the differences, the weight excluded; ties go to the lower j). With weights
// w_i, w*_j:
//   D1 = sum_j |sum_{i in A_j} w_i - w*_j| + sum_j sum_{i in A_j} w_i sum_p ||Delta_p||
//   D2 = sum_j |sum_{i in A_j} w_i - w*_j| + sum_{|A_j| = 1} (as D1)
//        + sum_{|A_j| > 1} sum_{i in A_j} w_i sum_p ||Delta_p||^(rbar(|A_j|) * order_p)
// with rbar(1) = 1, rbar(2) = 4, rbar(3) = 6 (larger cells: InputError, as rbar is not known in
// closed form) and order_p = 1 or 1/2 per part (VoronoiExponents). For softmax gates the loss is
// minimised over the common translation (t0, t1) of the fitted gate coefficients: t0 exactly (the
// loss is piecewise linear and convex in exp(t0)), t1 by Nelder-Mead (NLopt) from the best of the
// translations that align one fitted atom's gate slope with one true atom's.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "moest/model/model.hpp"
#include "moest/rates/atoms.hpp"

namespace moest {

/** Which loss of section 5. */
enum class VoronoiKind {
  Exact,      // D1: every exponent 1
  OverFitted  // D2: cells of more than one atom use rbar(|A_j|) times the part's order
};

/** The order of each part in D2's exponent (1: rbar, 0.5: rbar/2); parts not named have order 1. */
struct VoronoiExponents {
  std::map<std::string, double> order;
  /** Softmax-gated Gaussian MoE (THEORY.md section 5): rbar on gate slope and expert intercept, rbar/2 on expert slope and variance. */
  static VoronoiExponents Softmax();
  /** Gaussian-gated MoE (moest's reading of Nguyen et al. 2024): rbar on locations, slopes and intercepts, rbar/2 on gate and expert variances. */
  static VoronoiExponents GaussianGate();
  /** Laplace gates (Nguyen et al. 2024): no gate-expert interaction, so every part has order 1/2 (n^-1/4 for a cell of 2). */
  static VoronoiExponents LaplaceGate();
};

/** rbar(m) of the exponent table; InputError for m > 3 naming the cell size. */
double VoronoiExponent(arma::uword cellSize);

struct LossPart {
  std::string name;
  double value = 0.0;
};

struct VoronoiLoss {
  double total = 0.0;
  double weight = 0.0;            // sum_j |sum_{A_j} w_i - w*_j|
  std::vector<LossPart> parts;    // each part's own term (D1: sum_i w_i ||Delta_p||), in atom-part order
  arma::uvec cell;                // the true atom (0-based) each fitted atom was assigned to
  arma::vec translation;          // (t0, t1...) applied to the fitted gate at the minimum
  arma::uword largestCell = 0;
};

/** The loss between true atoms and fitted atoms (same parts); minimised over the translation when allowed. */
VoronoiLoss ComputeVoronoiLoss(const MixingAtoms& truth, const MixingAtoms& fitted, VoronoiKind kind,
                               const VoronoiExponents& exponents);

/** The same from two models of the same families. */
VoronoiLoss ComputeVoronoiLoss(const Model& truth, const Model& fitted, VoronoiKind kind,
                               const VoronoiExponents& exponents);

}  // namespace moest
