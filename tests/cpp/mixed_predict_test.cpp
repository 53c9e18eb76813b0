// Predictions of mixed-effects fits: population level (random effects at 0), conditional on the
// groups' predicted random effects, and new groups falling back to the population level.
#include <gtest/gtest.h>

#include "mixed_support.hpp"

namespace moest {
namespace {

struct Fitted {
  test::GroupedData d;
  MixedFit fit;
  RandomEffectsSection section;
};

Fitted FitPlacement(RandomPlacement placement) {
  Fitted f;
  MixedOptions options;
  options.placement = placement;
  options.fit.starts = 2;
  options.fit.seed = 5;
  SilentObserver observer;
  const bool gate = placement == RandomPlacement::Gate;
  const arma::mat beta = {{-3.0, 3.0}, {2.0, -1.0}};
  f.d = gate ? test::SimulateGateRandom(30, 8, 0.3, 1.5, 1.2, 4)
             : test::SimulateExpertRandom(30, 8, 0.5, beta, arma::vec{1.0, 0.5}, arma::vec{0.5, 0.8}, 4);
  const Model prototype = Model::Make("gaussian", "softmax", 2, gate ? 2 : 1, 2);
  const arma::mat ones(f.d.y.n_rows, 1, arma::fill::ones);
  f.fit = FitMixed(prototype, Data(f.d.y, f.d.x, gate ? f.d.x : ones, &f.d.group), f.d.ones, options, observer);
  std::vector<std::string> labels;
  for (arma::uword g = 0; g < f.fit.groupLabels.n_elem; ++g) labels.push_back("g" + std::to_string(f.fit.groupLabels(g)));
  f.section = MakeRandomEffectsSection(f.fit, "school", {gate ? "u.1" : "(Intercept)"}, labels);
  return f;
}

/** Rows 0..7 (the first group), their labels, and the same rows relabelled as an unseen group. */
std::vector<std::string> Labels(const Fitted& f, arma::uword n, const std::string& label) {
  return std::vector<std::string>(n, label.empty() ? f.section.groupLabels[0] : label);
}

TEST(MixedPredict, GatePlacementUsesTheGroupsRandomEffect) {
  const Fitted f = FitPlacement(RandomPlacement::Gate);
  const arma::uvec rows = f.d.group == f.d.group(0);
  const arma::mat x = f.d.x.rows(arma::find(rows)), y(x.n_rows, 1, arma::fill::zeros), z = f.d.ones.head_rows(x.n_rows);
  const Data data(y, x, x);
  // The first group in ascending ids is the first simulated group.
  const arma::uvec seen = MatchGroups(f.section, Labels(f, x.n_rows, ""));
  const arma::uvec unseen = MatchGroups(f.section, Labels(f, x.n_rows, "no-such-school"));
  ASSERT_EQ(seen(0), 0u);
  ASSERT_EQ(unseen(0), kUnseenGroup);
  const arma::vec conditional = PredictMixedMean({f.fit.model, f.section, data, z, seen});
  const arma::vec population = PredictMixedMean({f.fit.model, f.section, data, z, unseen});
  // By hand: softmax(alpha'x + beta u) weights on the two experts' means.
  const arma::mat w = f.fit.model.gate().Blocks()[0].value;  // (q + 1) x K
  const arma::mat means = PredictExpertMeans(f.fit.model, data);
  for (const double u : {f.fit.ranef(0, 0), 0.0}) {
    const arma::mat logits = x * w.rows(0, 1) + u * arma::ones(x.n_rows) * w.row(2);
    arma::mat g = arma::exp(logits);
    g.each_col() /= arma::sum(g, 1);
    const arma::vec expected = arma::sum(g % means, 1);
    EXPECT_LT(arma::abs((u == 0.0 ? population : conditional) - expected).max(), 1e-12) << "u = " << u;
  }
  EXPECT_GT(arma::abs(conditional - population).max(), 1e-3);  // the random effect matters
}

TEST(MixedPredict, ExpertPlacementKeepsTheGroupsComponentAndRandomEffect) {
  const Fitted f = FitPlacement(RandomPlacement::Expert);
  const arma::uvec rows = arma::find(f.d.group == f.fit.groupLabels(3));
  const arma::mat x = f.d.x.rows(rows), xGate(x.n_rows, 1, arma::fill::ones), y(x.n_rows, 1, arma::fill::zeros);
  const arma::mat z = f.d.ones.head_rows(x.n_rows);
  const Data data(y, x, xGate);
  const std::string label = f.section.groupLabels[3];
  const arma::uvec seen = MatchGroups(f.section, Labels(f, x.n_rows, label));
  const arma::uvec unseen(x.n_rows, arma::fill::value(kUnseenGroup));
  const MixedPredictInput conditionalInput{f.fit.model, f.section, data, z, seen};
  const arma::mat means = PredictExpertMeans(f.fit.model, data);
  const arma::rowvec posterior = f.fit.groupPosterior.row(3);
  const arma::vec expected = means * posterior.t() + f.fit.ranef(3, 0);
  EXPECT_LT(arma::abs(PredictMixedMean(conditionalInput) - expected).max(), 1e-12);
  EXPECT_LT(arma::abs(PredictMixedWeights(conditionalInput).row(0) - posterior).max(), 1e-15);
  // Population level: the gate's constant weights and no random effect.
  const arma::mat gate = PredictGate(f.fit.model, data);
  const arma::vec population = PredictMixedMean({f.fit.model, f.section, data, z, unseen});
  EXPECT_LT(arma::abs(population - arma::sum(gate % means, 1)).max(), 1e-12);
  EXPECT_GT(arma::abs(population - expected).max(), 0.1);
}

TEST(MixedPredict, BadInputIsAnInputError) {
  const Fitted f = FitPlacement(RandomPlacement::Expert);
  const arma::mat x = f.d.x.head_rows(4), xGate(4, 1, arma::fill::ones), y(4, 1, arma::fill::zeros);
  const Data data(y, x, xGate);
  const arma::uvec unseen(4, arma::fill::value(kUnseenGroup));
  const arma::mat wideZ(4, 2, arma::fill::ones);
  EXPECT_NE(test::ErrorOf([&] { PredictMixedMean({f.fit.model, f.section, data, wideZ, unseen}); })
                .find("random-effect design must have one row per observation and 1 columns"),
            std::string::npos);
  const arma::uvec shortGroups(3, arma::fill::value(kUnseenGroup));
  const arma::mat z(4, 1, arma::fill::ones);
  EXPECT_NE(test::ErrorOf([&] { PredictMixedMean({f.fit.model, f.section, data, z, shortGroups}); })
                .find("the group ids have 3 values but the data have 4 rows"),
            std::string::npos);
}

}  // namespace
}  // namespace moest
