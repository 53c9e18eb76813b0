#include "moest/solver/fixed_blocks.hpp"

#include <cmath>
#include <memory>

#include "moest/column_view.hpp"
#include "moest/errors.hpp"
#include "moest/model/packing.hpp"
#include "moest/solver/em.hpp"
#include "moest/solver/gate_optimizer.hpp"
#include "moest/solver/standard_errors.hpp"

namespace moest {

namespace {

std::string ComponentName(int component) {
  return component < 0 ? std::string("gate") : "expert" + std::to_string(component + 1);
}

ParameterBlocks BlocksOf(const Model& model, int component) {
  return component < 0 ? model.gate().Blocks() : model.expert(static_cast<arma::uword>(component)).Blocks();
}

std::string BlockNames(const ParameterBlocks& blocks) {
  std::string names;
  for (const ParameterBlock& block : blocks) names += (names.empty() ? "" : ", ") + block.name;
  return names;
}

// "gate", "gate.b", "expert2", "expert2.b" (a space after "expert" is allowed) into a FixedBlock.
FixedBlock ParseFixedName(const std::string& name, const Model& start) {
  const std::string help = " (use gate, gate.<block>, expert<k> or expert<k>.<block>, e.g. expert2.sigma)";
  const std::size_t dot = name.find('.');
  const std::string owner = name.substr(0, dot);
  FixedBlock fixed;
  fixed.block = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (owner == "gate") {
    fixed.component = -1;
  } else if (owner.rfind("expert", 0) == 0) {
    std::string number = owner.substr(6);
    if (!number.empty() && number[0] == ' ') number.erase(0, 1);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 6) {
      throw InputError("cannot fix '" + name + "': no expert number" + help);
    }
    const long k = std::stol(number);
    if (k < 1 || k > static_cast<long>(start.K())) {
      throw InputError("cannot fix '" + name + "': the model has experts 1 to " + std::to_string(start.K()));
    }
    fixed.component = static_cast<int>(k - 1);
  } else {
    throw InputError("cannot fix '" + name + "': unknown parameter block" + help);
  }
  if (!fixed.block.empty()) {
    const ParameterBlocks blocks = BlocksOf(start, fixed.component);
    bool known = false;
    for (const ParameterBlock& block : blocks) known = known || block.name == fixed.block;
    if (!known) {
      throw InputError("cannot fix '" + name + "': " + ComponentName(fixed.component) + " has no block '" +
                       fixed.block + "' (its blocks: " + BlockNames(blocks) + ")");
    }
  }
  return fixed;
}

// The coordinates of a component's Pack() that move no fixed block: each is nudged in turn and the
// fixed blocks compared. `Component` is Gate or Expert (the same Pack/Unpack/Blocks contract).
template <typename Component>
arma::uvec FreeOf(const Component& component, int index, const FixedBlocks& fixed) {
  const arma::vec theta = component.Pack();
  if (!fixed.AnyFixed(index)) return AllCoordinates(theta.n_elem);
  if (fixed.WhollyFixed(index)) return arma::uvec();
  const ParameterBlocks base = component.Blocks();
  std::unique_ptr<Component> probe = component.Clone();
  std::vector<arma::uword> free;
  for (arma::uword j = 0; j < theta.n_elem; ++j) {
    arma::vec shifted = theta;
    shifted[j] += 1e-4 * std::max(1.0, std::abs(theta[j]));
    probe->Unpack(shifted);
    const ParameterBlocks moved = probe->Blocks();
    bool touchesFixed = false;
    for (std::size_t b = 0; b < base.size(); ++b) {
      if (fixed.IsFixed(index, base[b].name) && !arma::approx_equal(base[b].value, moved[b].value, "absdiff", 0.0)) {
        touchesFixed = true;
      }
    }
    if (!touchesFixed) free.push_back(j);
  }
  return arma::conv_to<arma::uvec>::from(free);
}

// Replace the fixed blocks among `blocks` by their held values.
ParameterBlocks WithHeld(ParameterBlocks blocks, const ParameterBlocks& held, int index, const FixedBlocks& fixed) {
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (fixed.IsFixed(index, blocks[b].name)) blocks[b].value = held[b].value;
  }
  return blocks;
}

// Maximise a component's weighted objective over its free coordinates, from the better of the
// closed-form step (with the fixed coordinates put back) and the previous parameters.
StepReport MaximiseFree(const GateObjective& objective, const arma::vec& previous, arma::vec& stepped,
                        const arma::uvec& free, const std::string& owner) {
  arma::vec candidate = previous;
  candidate.elem(free) = stepped.elem(free);
  const arma::vec from = objective(candidate, nullptr) >= objective(previous, nullptr) ? candidate : previous;
  const GateObjective restricted = [&](const arma::vec& sub, arma::vec* gradient) {
    arma::vec full = from;
    full.elem(free) = sub;
    arma::vec g;
    const double value = objective(full, gradient != nullptr ? &g : nullptr);
    if (gradient != nullptr) *gradient = g.elem(free);
    return value;
  };
  arma::vec sub = from.elem(free);
  const StepReport report = MaximiseGateObjective(restricted, sub, GateOptimizerOptions(), owner);
  stepped = from;
  stepped.elem(free) = sub;
  return report;
}

StepReport HoldGate(Model& model, const Data& data, const arma::mat& r, const FixedBlocks& fixed) {
  Gate& gate = model.gate();
  if (fixed.WhollyFixed(-1)) return StepReport();
  const arma::vec previous = gate.Pack();
  const arma::uvec free = FreeOf(gate, -1, fixed);
  StepReport report = gate.FitResponsibilities(data, r);
  arma::vec stepped = gate.Pack();
  const GateObjective objective = WeightedGateObjective(gate, data, r);
  report.Merge(MaximiseFree(objective, previous, stepped, free, "L-BFGS over the free gate parameters"));
  gate.Unpack(stepped);
  gate.SetBlocks(WithHeld(gate.Blocks(), fixed.values.gate().Blocks(), -1, fixed));
  return report;
}

StepReport HoldExpert(Model& model, const Data& data, const arma::vec& w, arma::uword k, const FixedBlocks& fixed) {
  Expert& expert = model.expert(k);
  const int index = static_cast<int>(k);
  if (fixed.WhollyFixed(index)) return StepReport();
  const arma::vec previous = expert.Pack();
  const arma::uvec free = FreeOf(expert, index, fixed);
  StepReport report = expert.FitWeighted(data, w);
  arma::vec stepped = expert.Pack();
  std::unique_ptr<Expert> probe = expert.Clone();
  arma::vec logF;
  const GateObjective objective = [&](const arma::vec& theta, arma::vec* gradient) {
    probe->Unpack(theta);
    probe->LogDensity(data, logF);
    double value = 0.0;
    for (arma::uword i = 0; i < logF.n_elem; ++i) {
      if (w[i] != 0.0) value += w[i] * logF[i];
    }
    if (gradient != nullptr) probe->GradLogDensity(data, w, *gradient);
    return value;
  };
  report.Merge(MaximiseFree(objective, previous, stepped, free, "L-BFGS over the free parameters"));
  expert.Unpack(stepped);
  expert.SetBlocks(WithHeld(expert.Blocks(), fixed.values.expert(k).Blocks(), index, fixed));
  return report;
}

}  // namespace

bool FixedBlocks::IsFixed(int component, const std::string& name) const {
  for (const FixedBlock& block : blocks) {
    if (block.component == component && (block.block.empty() || block.block == name)) return true;
  }
  return false;
}

bool FixedBlocks::WhollyFixed(int component) const {
  if (values.empty()) return false;
  for (const ParameterBlock& block : BlocksOf(values, component)) {
    if (!IsFixed(component, block.name)) return false;
  }
  return true;
}

bool FixedBlocks::AnyFixed(int component) const {
  for (const FixedBlock& block : blocks) {
    if (block.component == component) return true;
  }
  return false;
}

FixedBlocks ResolveFixedBlocks(const std::vector<std::string>& names, const Model& start) {
  FixedBlocks fixed;
  if (names.empty()) return fixed;
  if (start.empty()) {
    throw InputError("fixing parameters needs start parameters to hold them at (a start model)");
  }
  for (const std::string& name : names) fixed.blocks.push_back(ParseFixedName(name, start));
  fixed.values = start;
  if (FreeCoordinates(start, fixed).n_elem == 0) {
    throw InputError("every parameter is fixed: nothing is left to fit (fix fewer blocks)");
  }
  return fixed;
}

void HoldFixedBlocks(Model& model, const FixedBlocks& fixed) {
  if (fixed.AnyFixed(-1)) model.gate().SetBlocks(WithHeld(model.gate().Blocks(), fixed.values.gate().Blocks(), -1, fixed));
  for (arma::uword k = 0; k < model.K(); ++k) {
    const int index = static_cast<int>(k);
    if (!fixed.AnyFixed(index)) continue;
    model.expert(k).SetBlocks(WithHeld(model.expert(k).Blocks(), fixed.values.expert(k).Blocks(), index, fixed));
  }
}

arma::uvec FreeCoordinates(const Model& model, const FixedBlocks& fixed) {
  std::vector<arma::uword> free;
  arma::uword offset = 0;
  auto append = [&](const arma::uvec& local, arma::uword size) {
    for (arma::uword j : local) free.push_back(offset + j);
    offset += size;
  };
  append(FreeOf(model.gate(), -1, fixed), model.gate().Pack().n_elem);
  for (arma::uword k = 0; k < model.K(); ++k) {
    append(FreeOf(model.expert(k), static_cast<int>(k), fixed), model.expert(k).Pack().n_elem);
  }
  return arma::conv_to<arma::uvec>::from(free);
}

StepReport MStepHolding(Model& model, const Data& data, const arma::mat& r, const FixedBlocks& fixed) {
  if (fixed.empty()) return MStep(model, data, r);
  StepReport report = HoldGate(model, data, r, fixed);
  if (!report.note.empty()) report.note = "gate: " + report.note;
  for (arma::uword k = 0; k < model.K(); ++k) {
    StepReport expertReport = HoldExpert(model, data, ColumnView(r, k), k, fixed);
    if (!expertReport.note.empty()) expertReport.note = "expert " + std::to_string(k + 1) + ": " + expertReport.note;
    report.Merge(expertReport);
  }
  return report;
}

}  // namespace moest
