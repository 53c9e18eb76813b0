#include "moest/solver/dense_warm_start.hpp"

#include <string>
#include <vector>

#include "moest/gate/registry.hpp"
#include "moest/solver/em.hpp"

namespace moest {

namespace {

// Passes on only the request to stop: the warm-up is part of choosing a start, not the fit's trace.
class StopOnly : public Observer {
 public:
  explicit StopOnly(Observer& inner) : inner_(inner) {}
  bool ShouldStop() override { return inner_.ShouldStop(); }

 private:
  Observer& inner_;
};

}  // namespace

Model DenseRelaxation(const Model& model, arma::uword gateColumns) {
  ComponentSpec spec = model.gate().Spec();
  const auto topK = spec.options.find("top_k");
  if (spec.family != "softmax" || topK == spec.options.end() || topK->second == std::to_string(model.K())) {
    return Model();
  }
  spec.options.erase("top_k");
  spec.options.erase("top_k_bias");
  std::unique_ptr<Gate> gate = MakeGate(spec, gateColumns, model.K());
  gate->SetBlocks(model.gate().Blocks());
  std::vector<std::unique_ptr<Expert>> experts;
  for (arma::uword k = 0; k < model.K(); ++k) experts.push_back(model.expert(k).Clone());
  return Model(std::move(gate), std::move(experts));
}

Model DenseWarmStart(const Model& prototype, const Data& data, const arma::mat& start, const EmOptions& options,
                     Observer& observer, int startIndex) {
  const Model dense = DenseRelaxation(prototype, data.xGate.n_cols);
  if (dense.empty()) return prototype;
  StopOnly stopOnly(observer);
  const FitResult fit = RunEm(dense, data, start, options, stopOnly, startIndex);
  Model warm = prototype;
  warm.gate().SetBlocks(fit.model.gate().Blocks());
  for (arma::uword k = 0; k < warm.K(); ++k) warm.expert(k).SetBlocks(fit.model.expert(k).Blocks());
  return warm;
}

}  // namespace moest
