#include "moest/mixed/predict.hpp"

#include <algorithm>
#include <map>

#include "moest/errors.hpp"
#include "moest/model/predict.hpp"

namespace moest {

namespace {

bool Seen(arma::uword g) { return g != kUnseenGroup; }

/**
 * The gate placement's design [x, w_1 u, ..., w_r u]: u the group's predicted random effect (0 for
 * unseen groups), w the random terms (z's columns; a column of ones for intercepts only).
 */
arma::mat GateDesignWithRanef(const MixedPredictInput& in) {
  const arma::uword d = in.section.ranef.n_cols, r = RandomGateTerms(in.section);
  arma::mat u(in.data.N(), d * r, arma::fill::zeros);
  for (arma::uword i = 0; i < in.data.N(); ++i) {
    if (!Seen(in.groupOfRow(i))) continue;
    for (arma::uword m = 0; m < r; ++m) {
      const double w = r == 1 && in.z.n_cols == 0 ? 1.0 : in.z(i, m);
      u.row(i).cols(m * d, m * d + d - 1) = w * in.section.ranef.row(in.groupOfRow(i));
    }
  }
  return arma::join_rows(in.data.xGate, u);
}

void CheckInput(const MixedPredictInput& in) {
  if (!in.section.present) throw InputError("this model has no random effects");
  if (in.groupOfRow.n_elem != in.data.N()) {
    throw InputError("the group ids have " + std::to_string(in.groupOfRow.n_elem) + " values but the data have " +
                     std::to_string(in.data.N()) + " rows");
  }
  for (arma::uword i = 0; i < in.groupOfRow.n_elem; ++i) {
    if (Seen(in.groupOfRow(i)) && in.groupOfRow(i) >= in.section.ranef.n_rows) {
      throw InputError("row " + std::to_string(i + 1) + " names a group the model does not hold");
    }
  }
  const bool gate = in.section.placement == "gate";
  const arma::uword columns = gate ? RandomGateTerms(in.section) : in.section.ranef.n_cols;
  const bool interceptOnly = gate && columns == 1 && in.z.n_cols == 0;
  if (!interceptOnly && (in.z.n_rows != in.data.N() || in.z.n_cols != columns)) {
    throw InputError("the random-effect design must have one row per observation and " + std::to_string(columns) +
                     " columns (" + std::to_string(in.z.n_rows) + " x " + std::to_string(in.z.n_cols) + " given)");
  }
}

}  // namespace

arma::uword RandomGateTerms(const RandomEffectsSection& section) {
  return std::max<arma::uword>(1, section.randomDesign.size());
}

arma::uword RandomGateColumns(const RandomEffectsSection& section) {
  return section.present && section.placement == "gate" ? section.ranef.n_cols * RandomGateTerms(section) : 0;
}

arma::uvec MatchGroups(const RandomEffectsSection& section, const std::vector<std::string>& labels) {
  std::map<std::string, arma::uword> position;
  for (arma::uword g = 0; g < section.groupLabels.size(); ++g) position.emplace(section.groupLabels[g], g);
  arma::uvec out(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto found = position.find(labels[i]);
    out(i) = found == position.end() ? kUnseenGroup : found->second;
  }
  return out;
}

arma::mat PredictMixedWeights(const MixedPredictInput& in) {
  CheckInput(in);
  if (in.section.placement == "gate") {
    const arma::mat design = GateDesignWithRanef(in);
    return PredictGate(in.model, Data(in.data.y, in.data.xExpert, design));
  }
  arma::mat weights = PredictGate(in.model, in.data);
  for (arma::uword i = 0; i < in.data.N(); ++i) {
    if (Seen(in.groupOfRow(i))) weights.row(i) = in.section.groupPosterior.row(in.groupOfRow(i));
  }
  return weights;
}

arma::vec PredictMixedMean(const MixedPredictInput& in) {
  const arma::mat weights = PredictMixedWeights(in);
  const arma::mat means = PredictExpertMeans(in.model, in.data);
  arma::vec mean = arma::sum(weights % means, 1);
  if (in.section.placement == "expert") {
    for (arma::uword i = 0; i < in.data.N(); ++i) {
      if (Seen(in.groupOfRow(i))) mean(i) += arma::dot(in.z.row(i), in.section.ranef.row(in.groupOfRow(i)));
    }
  }
  return mean;
}

}  // namespace moest
