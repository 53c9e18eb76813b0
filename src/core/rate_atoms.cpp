#include "moest/rates/atoms.hpp"

#include <cmath>

#include "moest/errors.hpp"

namespace moest {

namespace {

/** Adds `column` as atom k's column of the part called `name` (created with K columns if new). */
void AddToPart(MixingAtoms& atoms, const std::string& name, const arma::vec& column, arma::uword k, bool translatable) {
  for (AtomPart& part : atoms.parts) {
    if (part.name == name) {
      part.value.col(k) = column;
      return;
    }
  }
  AtomPart part{name, arma::mat(column.n_elem, atoms.K(), arma::fill::zeros), translatable};
  part.value.col(k) = column;
  atoms.parts.push_back(std::move(part));
}

void AddGateParts(const Gate& gate, MixingAtoms& atoms) {
  const arma::uword K = gate.NumComponents();
  bool weighted = false;
  for (const ParameterBlock& block : gate.Blocks()) {
    const arma::mat& v = block.value;
    if (block.name == "coefficients" && gate.Family() == "softmax") {  // intercept row, then slopes
      atoms.logWeight = v.row(0);
      atoms.logWeightShift = true;
      weighted = true;
      for (arma::uword k = 0; k < K && v.n_rows > 1; ++k) AddToPart(atoms, "gate_slope", v.submat(1, k, v.n_rows - 1, k), k, true);
    } else if (block.name == "bias") {
      atoms.logWeight = v.row(0);
      atoms.logWeightShift = true;
      weighted = true;
    } else if (block.name == "pi") {
      atoms.logWeight = arma::log(arma::rowvec(v.row(0)));
      weighted = true;
    } else if (block.name.rfind("covariance.", 0) == 0) {
      const arma::uword k = std::stoul(block.name.substr(11)) - 1;
      AddToPart(atoms, "gate_scale", arma::vectorise(arma::trimatu(v)).eval(), k, false);
    } else if (v.n_cols == K) {
      std::string name = "gate_" + block.name;
      if (block.name == "mean" || block.name == "location") name = "gate_location";
      if (block.name == "variance" || block.name == "scale") name = "gate_scale";
      if (block.name == "centres") name = "gate_centre";
      for (arma::uword k = 0; k < K; ++k) AddToPart(atoms, name, v.col(k), k, false);
    }
  }
  if (!weighted) {
    throw InputError("the rates losses need mixing weights: gate family '" + gate.Family() +
                     "' has none (use softmax, laplace, gaussian_kernel or a density gate)");
  }
}

void AddExpertParts(const Expert& expert, arma::uword k, MixingAtoms& atoms) {
  for (const ParameterBlock& block : expert.Blocks()) {
    const arma::mat& v = block.value;
    if (block.name == "coefficients") {
      AddToPart(atoms, "expert_intercept", v.row(0).t(), k, false);
      if (v.n_rows > 1) AddToPart(atoms, "expert_slope", arma::vectorise(v.rows(1, v.n_rows - 1)).eval(), k, false);
    } else if (block.name == "sigma") {
      AddToPart(atoms, "expert_variance", arma::vec{v(0, 0) * v(0, 0)}, k, false);
    } else {
      AddToPart(atoms, "expert_" + block.name, arma::vectorise(v).eval(), k, false);
    }
  }
}

}  // namespace

std::vector<std::string> MixingAtoms::PartNames() const {
  std::vector<std::string> names;
  for (const AtomPart& part : parts) names.push_back(part.name);
  return names;
}

MixingAtoms AtomsOf(const Model& model) {
  if (model.empty() || model.K() == 0) throw InputError("the rates losses need a model with at least one component");
  MixingAtoms atoms;
  atoms.logWeight.zeros(model.K());
  AddGateParts(model.gate(), atoms);
  const std::string family = model.expert(0).Spec().ToString();
  for (arma::uword k = 0; k < model.K(); ++k) {
    if (model.expert(k).Spec().ToString() != family) {
      throw InputError("the rates losses need experts of one family; expert " + std::to_string(k + 1) + " is '" +
                       model.expert(k).Spec().ToString() + "', expert 1 '" + family + "'");
    }
    AddExpertParts(model.expert(k), k, atoms);
  }
  return atoms;
}

}  // namespace moest
