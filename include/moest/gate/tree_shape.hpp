// The shape of a hierarchical mixture of experts: a tree whose internal nodes are gates and whose
// leaves are the experts. Written as "2x3" (a root with 2 branches, each over 3 experts; "2x2x2" is
// depth 3; "4" is the flat model) or, for ragged trees, in brackets: "[3 2]" is a root over a branch of
// 3 experts and a branch of 2, "[[2 2] 3]" nests further, and "1" inside brackets is a single expert.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"

namespace moest {

struct TreeShape {
  std::vector<TreeShape> children;  // empty for a leaf (an expert)

  bool IsLeaf() const { return children.empty(); }
  /** The number of leaves (experts) under this node. */
  arma::uword NumLeaves() const;
  /** The number of internal nodes (gates) in this subtree, this node included. */
  arma::uword NumInternal() const;
  /** "AxB..." when every level is regular, otherwise the bracket form; ParseTreeShape reads it back. */
  std::string ToString() const;
};

/** A node over `n` leaves. */
TreeShape FlatShape(arma::uword n);

/** Parse a tree shape; InputError saying what is wrong and where. */
TreeShape ParseTreeShape(const std::string& text);

}  // namespace moest
