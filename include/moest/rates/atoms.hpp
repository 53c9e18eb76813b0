// A fitted or true model seen as a mixing measure: one atom per component, with a weight and named
// parameter parts, as the Voronoi and Wasserstein losses of THEORY.md section 5 compare them.
//
// Weights: exp(intercept) of a softmax gate (its first gate-design column must be the intercept),
// exp(bias) of a Laplace/Gaussian-kernel distance gate, pi of a density gate. Parts:
//   gate_slope        softmax coefficients without the intercept row
//   gate_centre       distance-gate centres
//   gate_location     density-gate means (Gaussian) or locations (Laplace)
//   gate_scale        density-gate variances (diagonal), vectorised covariances (full), Laplace scales
//   expert_intercept  first row of an expert's coefficients (the expert design's intercept)
//   expert_slope      the other rows (vectorised: all class contrasts of a multinomial expert)
//   expert_variance   sigma^2 of a Gaussian expert
// and "gate_<block>" / "expert_<block>" for any other block. A softmax gate is identified only up to
// a common translation of all its coefficient columns, a distance gate up to a common shift of its
// biases: `logWeightShift` and the parts' `translatable` flags say which the losses minimise over.
#pragma once

#include <string>
#include <vector>

#include "moest/model/model.hpp"

namespace moest {

struct AtomPart {
  std::string name;
  arma::mat value;            // one column per atom
  bool translatable = false;  // a common shift of every column leaves the model unchanged
};

struct MixingAtoms {
  arma::rowvec logWeight;            // log of each atom's weight
  bool logWeightShift = false;       // a common shift of logWeight leaves the model unchanged
  std::vector<AtomPart> parts;       // in a fixed order: gate parts, then expert parts

  arma::uword K() const { return logWeight.n_elem; }
  /** The names of the parts, in order. */
  std::vector<std::string> PartNames() const;
};

/**
 * The atoms of `model`. InputError for a gate without mixing weights (probit, ...) or for experts of
 * different families.
 */
MixingAtoms AtomsOf(const Model& model);

}  // namespace moest
