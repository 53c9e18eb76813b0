// Hierarchical mixture of experts (Jordan and Jacobs 1994) as a gate: a tree of gates whose leaves are
// the K experts. The weight of a leaf is the product of the node weights along its path, so
// log g_k(x) = sum over the nodes on k's path of log g_{node, branch}(x). Any conditional gate family
// may sit at any internal node; density (joint) gates are refused, since a product of joint densities
// of x along a path is not the model a tree of conditional gates describes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/gate/gate.hpp"
#include "moest/gate/tree_shape.hpp"

namespace moest {

class TreeGate : public Gate {
 public:
  /**
   * A tree of `shape` on `q` gate-design columns; `nodeSpecs` holds either one family for every internal
   * node or one per internal node in depth-first (pre-)order. InputError for a density gate at a node.
   */
  TreeGate(const TreeShape& shape, const std::vector<ComponentSpec>& nodeSpecs, arma::uword q);
  TreeGate(const TreeGate& other);
  TreeGate& operator=(const TreeGate&) = delete;

  /** The internal nodes in depth-first order; node 0 is the root. */
  struct Node {
    std::string path;                                       // "root", "1", "1.2", ... (1-based branches)
    std::unique_ptr<Gate> gate;                             // over this node's children
    std::vector<std::pair<arma::uword, arma::uword>> leaves;  // each child's leaf range [first, last)
  };
  const std::vector<Node>& Nodes() const { return nodes_; }
  const TreeShape& Shape() const { return shape_; }

  /** The branches (internal nodes other than the root), by path, each with its leaf range. */
  struct Branch {
    std::string path;
    arma::uword first, last;
  };
  const std::vector<Branch>& Branches() const { return branches_; }
  /** P(branch | x) for every branch (n x Branches().size()): the sum of its leaves' weights. */
  arma::mat BranchProbabilities(const Data& data) const;

  std::string Family() const override { return "tree"; }
  arma::uword NumComponents() const override { return shape_.NumLeaves(); }
  void LogWeights(const Data& data, arma::mat& logG) const override;
  /** The downward pass: every node's gate is fitted on its children's summed leaf posteriors. */
  StepReport FitResponsibilities(const Data& data, const arma::mat& r) override;
  arma::vec Pack() const override;
  void Unpack(const arma::vec& theta) override;
  void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const override;
  arma::uword NumParameters() const override;
  /** Every node's blocks, each named "<path>:<block>" (e.g. "root:coefficients", "2:coefficients"). */
  ParameterBlocks Blocks() const override;
  void SetBlocks(const ParameterBlocks& blocks) override;
  std::unique_ptr<Gate> Clone() const override { return std::make_unique<TreeGate>(*this); }
  void SetInnerControl(int maxIterations, double tolerance) override;
  void SetNewtonSteps(int steps) override;
  /** tree(shape = ..., node = family) or, for mixed families, nodes = a;b;c in depth-first order. */
  ComponentSpec Spec() const override;

 private:
  void Build(const TreeShape& node, const std::string& path, arma::uword& leaf,
             const std::vector<ComponentSpec>& nodeSpecs, arma::uword q);
  // Per node, the column sums of `c` over each child's leaves (n x children).
  arma::mat ChildTotals(const Node& node, const arma::mat& c) const;

  TreeShape shape_;
  std::vector<Node> nodes_;
  std::vector<Branch> branches_;
};

/** The tree gate of a spec "tree(shape = 2x3, node = softmax)" for K experts (registry entry). */
std::unique_ptr<Gate> MakeTreeGate(const ComponentSpec& spec, arma::uword q, arma::uword K);

}  // namespace moest
