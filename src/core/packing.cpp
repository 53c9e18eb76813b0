#include "moest/model/packing.hpp"

#include <algorithm>

#include "moest/column_view.hpp"
#include "moest/errors.hpp"
#include "moest/model/row_blocks.hpp"

namespace moest {

arma::vec PackModel(const Model& model) {
  arma::vec theta = model.gate().Pack();
  for (arma::uword k = 0; k < model.K(); ++k) theta = arma::join_cols(theta, model.expert(k).Pack());
  return theta;
}

void UnpackModel(Model& model, const arma::vec& theta) {
  const arma::uword expected = PackModel(model).n_elem;
  if (theta.n_elem != expected) {
    throw InputError("the parameter vector has " + std::to_string(theta.n_elem) + " entries but the model has " +
                     std::to_string(expected));
  }
  arma::uword at = 0;
  const arma::uword gateSize = model.gate().Pack().n_elem;
  if (gateSize > 0) model.gate().Unpack(theta.subvec(at, at + gateSize - 1));
  at += gateSize;
  for (arma::uword k = 0; k < model.K(); ++k) {
    const arma::uword size = model.expert(k).Pack().n_elem;
    if (size > 0) model.expert(k).Unpack(theta.subvec(at, at + size - 1));
    at += size;
  }
}

std::vector<std::string> PackedLabels(const Model& model) {
  std::vector<std::string> labels;
  for (arma::uword j = 0; j < model.gate().Pack().n_elem; ++j) labels.push_back("gate[" + std::to_string(j + 1) + "]");
  for (arma::uword k = 0; k < model.K(); ++k) {
    for (arma::uword j = 0; j < model.expert(k).Pack().n_elem; ++j) {
      labels.push_back("expert " + std::to_string(k + 1) + "[" + std::to_string(j + 1) + "]");
    }
  }
  return labels;
}

arma::vec CompleteDataGradient(const Model& model, const Data& data, const arma::mat& r) {
  arma::vec part;
  model.gate().GradLogJointWeights(data, r, part);
  arma::vec gradient = part;
  for (arma::uword k = 0; k < model.K(); ++k) {
    model.expert(k).GradLogDensity(data, ColumnView(r, k), part);
    gradient = arma::join_cols(gradient, part);
  }
  return gradient;
}

arma::mat RowScores(const Model& model, const Data& data) {
  arma::mat r;
  model.LogLikelihood(data, &r);
  const arma::uword n = data.N();
  arma::mat scores;
  arma::mat y, xExpert, xGate;
  arma::uvec group;
  arma::vec offset;
  for (arma::uword i = 0; i < n; ++i) {
    y = data.y.row(i);
    xExpert = data.xExpert.row(i);
    xGate = data.xGate.row(i);
    if (data.group != nullptr) group = data.group->subvec(i, i);
    if (data.offset != nullptr) offset = data.offset->subvec(i, i);
    const Data row(y, xExpert, xGate, data.group != nullptr ? &group : nullptr,
                   data.offset != nullptr ? &offset : nullptr);
    const arma::vec score = CompleteDataGradient(model, row, r.row(i));
    if (i == 0) scores.set_size(n, score.n_elem);
    scores.row(i) = score.t();
  }
  return scores;
}

double LogLikelihoodGradient(const Model& model, const Data& data, arma::vec& gradient, arma::mat* buffer) {
  arma::mat local;
  arma::mat& r = buffer != nullptr ? *buffer : local;
  if (!UsesRowBlocks(data)) {
    const double logLik = model.LogLikelihood(data, &r);
    gradient = CompleteDataGradient(model, data, r);
    return logLik;
  }
  // Both are sums over rows: on a large data set neither the posterior nor the components' n-sized
  // gradient workspaces exist whole (the information matrices call this 2m times).
  double logLik = 0.0;
  gradient.zeros(PackModel(model).n_elem);
  ForEachRowBlock(data, [&](const Data& block, arma::uword, arma::uword) {
    logLik += model.LogLikelihood(block, &r);
    gradient += CompleteDataGradient(model, block, r);
  });
  return logLik;
}

}  // namespace moest
