// Predictions of a mixed-effects fit: population level (random effects at 0) or conditional on the
// predicted random effects of groups seen in the fit (new groups fall back to the population level).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "moest/data.hpp"
#include "moest/mixed/section.hpp"
#include "moest/model/model.hpp"

namespace moest {

/** A row whose group was not in the fit (or a population-level prediction). */
constexpr arma::uword kUnseenGroup = std::numeric_limits<arma::uword>::max();

/** The position of each label among section.groupLabels, kUnseenGroup for labels not in the fit. */
arma::uvec MatchGroups(const RandomEffectsSection& section, const std::vector<std::string>& labels);

/**
 * The inputs of a mixed prediction. `data` holds the designs without random effects (the gate design
 * without the u columns of the gate placement); `z` (n x r) is the random-effect design (gate
 * placement: the random terms (1, slopes); may have no columns for random intercepts only); `groupOfRow` comes from MatchGroups (all
 * kUnseenGroup for population-level predictions).
 */
struct MixedPredictInput {
  const Model& model;
  const RandomEffectsSection& section;
  const Data& data;
  const arma::mat& z;
  const arma::uvec& groupOfRow;
};

/**
 * Mixing weights, n x K. Gate placement: g_k(x, u) at u = the group's predicted random effect (0 for
 * unseen groups). Expert placement: seen groups, the group's posterior P(z_g = k | y_g) (its members
 * share one component); unseen groups, the gate weights.
 */
arma::mat PredictMixedWeights(const MixedPredictInput& input);

/**
 * The mean of y. Gate placement: sum_k g_k(x, u) mu_k(x). Expert placement: sum_k w_k x'beta_k +
 * z'E[b_g | y_g] for seen groups (w the weights above), sum_k g_k x'beta_k for unseen ones.
 */
arma::vec PredictMixedMean(const MixedPredictInput& input);

/** The number of gate-design columns the random effects add to the fitted gate (d r, or 0). */
arma::uword RandomGateColumns(const RandomEffectsSection& section);

/** The number r of random terms in the gate placement (1: intercepts only). */
arma::uword RandomGateTerms(const RandomEffectsSection& section);

}  // namespace moest
