#include "moest/gate/tree.hpp"

#include "moest/errors.hpp"
#include "moest/gate/registry.hpp"

namespace moest {

namespace {

std::string ChildPath(const std::string& parent, std::size_t child) {
  return (parent == "root" ? "" : parent + ".") + std::to_string(child + 1);
}

}  // namespace

TreeGate::TreeGate(const TreeShape& shape, const std::vector<ComponentSpec>& nodeSpecs, arma::uword q) : shape_(shape) {
  if (shape.IsLeaf() || shape.NumLeaves() < 2) throw InputError("tree: a tree needs at least 2 experts");
  const arma::uword internal = shape.NumInternal();
  if (nodeSpecs.size() != 1 && nodeSpecs.size() != internal) {
    throw InputError("tree: give one node family for all nodes or one per internal node (" + std::to_string(internal) +
                     " for shape " + shape.ToString() + "), not " + std::to_string(nodeSpecs.size()));
  }
  arma::uword leaf = 0;
  Build(shape, "root", leaf, nodeSpecs, q);
}

TreeGate::TreeGate(const TreeGate& other) : Gate(other), shape_(other.shape_), branches_(other.branches_) {
  for (const Node& node : other.nodes_) nodes_.push_back({node.path, node.gate->Clone(), node.leaves});
}

void TreeGate::Build(const TreeShape& node, const std::string& path, arma::uword& leaf,
                     const std::vector<ComponentSpec>& nodeSpecs, arma::uword q) {
  const ComponentSpec& spec = nodeSpecs.size() == 1 ? nodeSpecs[0] : nodeSpecs[nodes_.size()];
  if (spec.family == "tree") throw InputError("tree: a node's gate cannot itself be a tree (nest the shape instead)");
  std::unique_ptr<Gate> gate = MakeGate(spec, q, node.children.size());
  if (gate->IsJoint()) {
    throw InputError("tree: the " + spec.family +
                     " gate models the density of x and cannot sit at a tree node; use a conditional gate "
                     "(softmax, laplace, gaussian_kernel, probit)");
  }
  const std::size_t index = nodes_.size();
  nodes_.push_back({path, std::move(gate), {}});
  for (std::size_t c = 0; c < node.children.size(); ++c) {
    const arma::uword first = leaf;
    const arma::uword count = node.children[c].NumLeaves();
    nodes_[index].leaves.emplace_back(first, first + count);
    if (node.children[c].IsLeaf()) {
      ++leaf;
      continue;
    }
    const std::string childPath = ChildPath(path, c);
    branches_.push_back({childPath, first, first + count});
    Build(node.children[c], childPath, leaf, nodeSpecs, q);
  }
}

arma::mat TreeGate::ChildTotals(const Node& node, const arma::mat& c) const {
  arma::mat totals(c.n_rows, node.leaves.size());
  for (std::size_t j = 0; j < node.leaves.size(); ++j) {
    totals.col(j) = arma::sum(c.cols(node.leaves[j].first, node.leaves[j].second - 1), 1);
  }
  return totals;
}

void TreeGate::LogWeights(const Data& data, arma::mat& logG) const {
  logG.zeros(data.xGate.n_rows, NumComponents());
  arma::mat nodeLog;
  for (const Node& node : nodes_) {
    node.gate->LogWeights(data, nodeLog);
    for (std::size_t j = 0; j < node.leaves.size(); ++j) {
      logG.cols(node.leaves[j].first, node.leaves[j].second - 1).each_col() += nodeLog.col(j);
    }
  }
}

arma::mat TreeGate::BranchProbabilities(const Data& data) const {
  arma::mat logG;
  LogWeights(data, logG);
  const arma::mat weights = arma::exp(logG);
  arma::mat out(weights.n_rows, branches_.size());
  for (std::size_t b = 0; b < branches_.size(); ++b) {
    out.col(b) = arma::sum(weights.cols(branches_[b].first, branches_[b].last - 1), 1);
  }
  return out;
}

StepReport TreeGate::FitResponsibilities(const Data& data, const arma::mat& r) {
  // The branch posterior of a child is the sum of its leaves' posteriors; the node's gate maximises
  // sum_i sum_j h_ij log g_j(x_i), whose rows need not sum to 1 (below the root they sum to h_i).
  StepReport report;
  for (Node& node : nodes_) {
    StepReport step = node.gate->FitResponsibilities(data, ChildTotals(node, r));
    if (!step.note.empty()) step.note = "node " + node.path + ": " + step.note;
    report.Merge(step);
  }
  return report;
}

arma::vec TreeGate::Pack() const {
  arma::vec theta;
  for (const Node& node : nodes_) theta = arma::join_cols(theta, node.gate->Pack());
  return theta;
}

void TreeGate::Unpack(const arma::vec& theta) {
  if (theta.n_elem != NumParameters()) throw InputError("tree gate: wrong number of parameters");
  arma::uword at = 0;
  for (Node& node : nodes_) {
    const arma::uword m = node.gate->NumParameters();
    node.gate->Unpack(m > 0 ? arma::vec(theta.subvec(at, at + m - 1)) : arma::vec());
    at += m;
  }
}

void TreeGate::GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
  // d/dtheta_node sum_ik c_ik log g_k = sum_ij (sum of c over child j's leaves) d log g_node,j / dtheta_node.
  g.reset();
  arma::vec part;
  for (const Node& node : nodes_) {
    node.gate->GradLogWeights(data, ChildTotals(node, c), part);
    g = arma::join_cols(g, part);
  }
}

arma::uword TreeGate::NumParameters() const {
  arma::uword total = 0;
  for (const Node& node : nodes_) total += node.gate->NumParameters();
  return total;
}

ParameterBlocks TreeGate::Blocks() const {
  ParameterBlocks out;
  for (const Node& node : nodes_) {
    for (ParameterBlock block : node.gate->Blocks()) {
      block.name = node.path + ":" + block.name;
      out.push_back(std::move(block));
    }
  }
  return out;
}

void TreeGate::SetBlocks(const ParameterBlocks& blocks) {
  for (Node& node : nodes_) {
    const std::string prefix = node.path + ":";
    ParameterBlocks mine;
    for (const ParameterBlock& block : blocks) {
      if (block.name.rfind(prefix, 0) == 0) mine.push_back({block.name.substr(prefix.size()), block.value});
    }
    try {
      node.gate->SetBlocks(mine);
    } catch (const InputError& e) {
      throw InputError("tree node " + node.path + ": " + e.what());
    }
  }
}

void TreeGate::SetInnerControl(int maxIterations, double tolerance) {
  for (Node& node : nodes_) node.gate->SetInnerControl(maxIterations, tolerance);
}

void TreeGate::SetNewtonSteps(int steps) {
  for (Node& node : nodes_) node.gate->SetNewtonSteps(steps);
}

ComponentSpec TreeGate::Spec() const {
  ComponentSpec spec{"tree", {{"shape", shape_.ToString()}}};
  bool same = true;
  std::string list;
  for (const Node& node : nodes_) {
    const std::string family = node.gate->Spec().ToString();
    same = same && family == nodes_[0].gate->Spec().ToString();
    list += (list.empty() ? "" : ";") + family;
  }
  if (same) {
    spec.options["node"] = nodes_[0].gate->Spec().ToString();
  } else {
    spec.options["nodes"] = list;
  }
  return spec;
}

std::unique_ptr<Gate> MakeTreeGate(const ComponentSpec& spec, arma::uword q, arma::uword K) {
  spec.CheckKnown({"shape", "node", "nodes"});
  if (spec.options.count("shape") == 0) throw InputError("tree: the option 'shape' is required (e.g. tree(shape = 2x3))");
  if (spec.options.count("node") && spec.options.count("nodes")) {
    throw InputError("tree: give either 'node' (one family for every node) or 'nodes' (one per node), not both");
  }
  const TreeShape shape = ParseTreeShape(spec.Text("shape", ""));
  if (shape.NumLeaves() != K) {
    throw InputError("tree: the shape " + shape.ToString() + " has " + std::to_string(shape.NumLeaves()) +
                     " experts but K = " + std::to_string(K));
  }
  std::vector<ComponentSpec> nodeSpecs;
  const std::string nodes = spec.Text("nodes", "");
  if (nodes.empty()) {
    nodeSpecs.push_back(ParseSpec(spec.Text("node", "softmax")));
  } else {
    std::size_t start = 0;
    for (;;) {
      const std::size_t semicolon = nodes.find(';', start);
      nodeSpecs.push_back(ParseSpec(nodes.substr(start, semicolon == std::string::npos ? std::string::npos : semicolon - start)));
      if (semicolon == std::string::npos) break;
      start = semicolon + 1;
    }
  }
  return std::make_unique<TreeGate>(shape, nodeSpecs, q);
}

}  // namespace moest
