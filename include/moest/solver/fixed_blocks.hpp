// Fixed parameters: blocks of the gate or of an expert (see model/parameter_block.hpp) held at given
// values while EM and direct maximum likelihood fit the rest.
//
// A name is "gate" (every gate block), "gate.<block>", "expert<k>" (every block of expert k, 1-based)
// or "expert<k>.<block>", e.g. "expert2.sigma". EM keeps a fixed block by skipping the M-step of a
// wholly fixed component, and for a partly fixed one by maximising its weighted objective over the
// free coordinates only (L-BFGS from the better of the closed-form step and the previous value), so
// the log-likelihood still never decreases. Direct maximum likelihood moves only the free coordinates.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/solver/step_report.hpp"

namespace moest {

/** One fixed block: component -1 is the gate, k >= 0 expert k; an empty block name is all of them. */
struct FixedBlock {
  int component = -1;
  std::string block;
};

struct FixedBlocks {
  std::vector<FixedBlock> blocks;
  Model values;  // the model whose parameters the fixed blocks keep

  bool empty() const { return blocks.empty(); }
  /** Whether block `name` of `component` is fixed (any block with an empty name). */
  bool IsFixed(int component, const std::string& name) const;
  /** Whether every block of `component` is fixed. */
  bool WhollyFixed(int component) const;
  /** Whether any block of `component` is fixed. */
  bool AnyFixed(int component) const;
};

/**
 * The blocks `names` of `start` (the values they keep). InputError for an unknown name or block, an
 * expert number outside 1..K, or names that fix every parameter.
 */
FixedBlocks ResolveFixedBlocks(const std::vector<std::string>& names, const Model& start);

/** Sets every fixed block of `model` to its value in fixed.values (exactly). */
void HoldFixedBlocks(Model& model, const FixedBlocks& fixed);

/** The indices of PackModel(model) that no fixed block constrains (all of them when none is fixed). */
arma::uvec FreeCoordinates(const Model& model, const FixedBlocks& fixed);

/** The M-step of em.hpp with the fixed blocks held (see above); the plain M-step when none is. */
StepReport MStepHolding(Model& model, const Data& data, const arma::mat& r, const FixedBlocks& fixed);

}  // namespace moest
