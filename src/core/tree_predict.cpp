#include "moest/gate/tree_predict.hpp"

#include "moest/errors.hpp"
#include "moest/gate/tree.hpp"

namespace moest {

arma::mat PredictBranches(const Model& model, const Data& data, std::vector<std::string>& names) {
  const auto* tree = dynamic_cast<const TreeGate*>(&model.gate());
  if (tree == nullptr) {
    throw InputError("branch probabilities need a hierarchical model (a tree gate), not a " + model.gate().Family() +
                     " gate");
  }
  if (tree->Branches().empty()) {
    throw InputError("the tree " + tree->Shape().ToString() + " has no branch below its root (a depth-1 tree): use the gate probabilities");
  }
  names.clear();
  for (const TreeGate::Branch& branch : tree->Branches()) names.push_back(branch.path);
  return tree->BranchProbabilities(data);
}

}  // namespace moest
