#include "moest/model/label_order.hpp"

#include <memory>
#include <utility>
#include <vector>

#include "moest/errors.hpp"

namespace moest {

namespace {

// The index of the gate's K-column coefficient block, or -1.
int GateCoefficientBlock(const ParameterBlocks& blocks, arma::uword K) {
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (blocks[b].name == "coefficients" && blocks[b].value.n_cols == K) return static_cast<int>(b);
  }
  return -1;
}

}  // namespace

arma::uvec CanonicalOrder(const Model& model, LabelOrder rule) {
  const arma::uword K = model.K();
  const arma::uvec identity = arma::regspace<arma::uvec>(0, K - 1);
  if (rule == LabelOrder::None || K < 2) return identity;
  arma::vec key(K);
  if (rule == LabelOrder::ExpertIntercept) {
    for (arma::uword k = 0; k < K; ++k) {
      const ParameterBlocks blocks = model.expert(k).Blocks();
      if (blocks.empty() || blocks[0].value.is_empty()) return identity;
      key[k] = blocks[0].value(0);
    }
  } else {
    const ParameterBlocks blocks = model.gate().Blocks();
    const int b = GateCoefficientBlock(blocks, K);
    if (b < 0) return identity;
    key = blocks[b].value.row(0).t();
  }
  return arma::stable_sort_index(key);
}

bool PermuteComponents(Model& model, const arma::uvec& order, arma::mat& responsibilities) {
  const arma::uword K = model.K();
  if (order.n_elem != K) throw InputError("a component order needs K = " + std::to_string(K) + " entries");
  ParameterBlocks gateBlocks = model.gate().Blocks();
  if (K > 1) {
    const int b = GateCoefficientBlock(gateBlocks, K);
    if (b < 0) return false;
    arma::mat w = gateBlocks[b].value.cols(order);
    w.each_col() -= arma::vec(w.col(0));  // the new first component is the reference
    gateBlocks[b].value = w;
  }
  std::unique_ptr<Gate> gate = model.gate().Clone();
  gate->SetBlocks(gateBlocks);
  std::vector<std::unique_ptr<Expert>> experts;
  for (arma::uword j = 0; j < K; ++j) experts.push_back(model.expert(order[j]).Clone());
  model = Model(std::move(gate), std::move(experts));
  if (!responsibilities.is_empty()) responsibilities = arma::mat(responsibilities.cols(order));
  return true;
}

// The names used by the CLI, R and error messages.
constexpr std::pair<LabelOrder, const char*> kLabelOrderNames[] = {
    {LabelOrder::None, "none"}, {LabelOrder::ExpertIntercept, "expert"}, {LabelOrder::GateIntercept, "gate"}};

std::string LabelOrderName(LabelOrder rule) {
  for (const auto& [value, name] : kLabelOrderNames) {
    if (value == rule) return name;
  }
  return "none";
}

LabelOrder LabelOrderFromName(const std::string& name) {
  for (const auto& [value, text] : kLabelOrderNames) {
    if (name == text) return value;
  }
  throw InputError("unknown label order '" + name + "' (choose none, expert or gate)");
}

}  // namespace moest
