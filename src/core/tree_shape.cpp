#include "moest/gate/tree_shape.hpp"

#include <cctype>

#include "moest/errors.hpp"
#include "moest/io/text.hpp"

namespace moest {

namespace {

constexpr arma::uword kMaxBranching = 1000;

// The branching of each level when the tree is regular (every node of a level has the same number of
// children, all leaves at the bottom level); empty otherwise.
std::vector<arma::uword> RegularLevels(const TreeShape& node) {
  if (node.IsLeaf()) return {};
  std::vector<arma::uword> below = RegularLevels(node.children[0]);
  for (const TreeShape& child : node.children) {
    if (child.IsLeaf() != node.children[0].IsLeaf() || RegularLevels(child) != below) return {0};
    if (!below.empty() && below[0] == 0) return {0};
  }
  below.insert(below.begin(), node.children.size());
  return below;
}

std::string BracketForm(const TreeShape& node) {
  if (node.IsLeaf()) return "1";
  bool flat = true;
  for (const TreeShape& child : node.children) flat = flat && child.IsLeaf();
  if (flat) return std::to_string(node.children.size());
  std::string out = "[";
  for (std::size_t c = 0; c < node.children.size(); ++c) out += (c ? " " : "") + BracketForm(node.children[c]);
  return out + "]";
}

class ShapeParser {
 public:
  explicit ShapeParser(const std::string& text) : text_(text) {}

  TreeShape ParseBracketed() {
    TreeShape node = Item();
    SkipBlanks();
    if (at_ < text_.size()) Fail("unexpected '" + std::string(1, text_[at_]) + "'");
    if (node.IsLeaf()) Fail("a tree needs at least 2 experts");
    return node;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw InputError("tree shape '" + text_ + "': " + what + " at character " + std::to_string(at_ + 1));
  }
  void SkipBlanks() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  // A number n (n = 1: one expert; n >= 2: a gate over n experts) or a bracketed list of items.
  TreeShape Item() {
    SkipBlanks();
    if (at_ >= text_.size()) Fail("the shape ends early");
    if (text_[at_] == '[') {
      ++at_;
      TreeShape node;
      for (;;) {
        SkipBlanks();
        if (at_ >= text_.size()) Fail("a '[' is never closed");
        if (text_[at_] == ']') break;
        node.children.push_back(Item());
      }
      if (node.children.size() < 2) Fail("a bracketed branch needs at least 2 children");
      ++at_;
      return node;
    }
    if (!std::isdigit(static_cast<unsigned char>(text_[at_]))) {
      Fail("expected a number or '[', found '" + std::string(1, text_[at_]) + "'");
    }
    arma::uword n = 0;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) {
      n = 10 * n + static_cast<arma::uword>(text_[at_++] - '0');
      if (n > kMaxBranching) Fail("a branching above " + std::to_string(kMaxBranching));
    }
    if (n == 0) Fail("a branch of 0 experts");
    return n == 1 ? TreeShape() : FlatShape(n);
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

// "AxBxC": a root of A branches, each of B branches, each over C experts.
TreeShape ParseRegular(const std::string& text) {
  std::vector<arma::uword> levels;
  std::size_t start = 0;
  for (;;) {
    const std::size_t cross = text.find('x', start);
    const std::string part = Trim(text.substr(start, cross == std::string::npos ? std::string::npos : cross - start));
    bool digits = !part.empty() && part.size() <= 4;
    for (char c : part) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits) {
      throw InputError("tree shape '" + text + "': '" + part +
                       "' is not a branching number (write e.g. 2x3, or [3 2] for a ragged tree)");
    }
    const arma::uword n = std::stoul(part);
    if (n < 2) {
      throw InputError("tree shape '" + text + "': every level needs at least 2 branches (got " + part + ")");
    }
    levels.push_back(n);
    if (cross == std::string::npos) break;
    start = cross + 1;
  }
  TreeShape node = FlatShape(levels.back());
  for (std::size_t level = levels.size() - 1; level-- > 0;) node.children.assign(levels[level], TreeShape(node));
  if (node.NumLeaves() > kMaxBranching) {
    throw InputError("tree shape '" + text + "' has " + std::to_string(node.NumLeaves()) + " experts (at most " +
                     std::to_string(kMaxBranching) + ")");
  }
  return node;
}

}  // namespace

arma::uword TreeShape::NumLeaves() const {
  if (IsLeaf()) return 1;
  arma::uword total = 0;
  for (const TreeShape& child : children) total += child.NumLeaves();
  return total;
}

arma::uword TreeShape::NumInternal() const {
  if (IsLeaf()) return 0;
  arma::uword total = 1;
  for (const TreeShape& child : children) total += child.NumInternal();
  return total;
}

std::string TreeShape::ToString() const {
  const std::vector<arma::uword> levels = RegularLevels(*this);
  if (levels.empty() || levels[0] == 0) return BracketForm(*this);
  std::string out;
  for (arma::uword n : levels) out += (out.empty() ? "" : "x") + std::to_string(n);
  return out;
}

TreeShape FlatShape(arma::uword n) {
  TreeShape node;
  node.children.resize(n);
  return node;
}

TreeShape ParseTreeShape(const std::string& text) {
  const std::string trimmed = Trim(text);
  if (trimmed.empty()) throw InputError("the tree shape is empty (write e.g. 2x3)");
  if (trimmed[0] == '[') return ShapeParser(trimmed).ParseBracketed();
  return ParseRegular(trimmed);
}

}  // namespace moest
