#include "moest/rates/presets.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "moest/errors.hpp"

namespace moest {

namespace {

arma::mat Col(std::initializer_list<double> values) { return arma::mat(arma::vec(values)); }
arma::mat One(double value) { return arma::mat(1, 1, arma::fill::value(value)); }

/** Gaussian experts on [1, x]: (intercept, slope, sd) per component. */
void SetGaussianExperts(Model& model, const std::vector<std::array<double, 3>>& experts) {
  for (arma::uword k = 0; k < experts.size(); ++k) {
    model.expert(k).SetBlocks({{"coefficients", Col({experts[k][0], experts[k][1]})}, {"sigma", One(experts[k][2])}});
  }
}

/** The study's size: a short schedule with `quick` (tests, demos), the published one otherwise. */
void Schedule(StudyOptions& o, bool quick, std::vector<arma::uword> quickSizes, arma::uword quickReplicates,
              std::vector<arma::uword> sizes, arma::uword replicates) {
  o.sizes = quick ? std::move(quickSizes) : std::move(sizes);
  o.replicates = quick ? quickReplicates : replicates;
}

// NeurIPS 2023: expert 2 of the paper is the reference, so it comes first here (w_1 = 0 in moest).
const std::vector<std::array<double, 3>> kNeuripsExperts = {{-5.0, 20.0, 0.4}, {15.0, -20.0, 0.3}};

Model NeuripsTruth() {
  Model model = Model::Make("gaussian", "softmax", 2, 2, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, -8.0}, {0.0, 25.0}}}});
  SetGaussianExperts(model, kNeuripsExperts);
  return model;
}

RatesPreset SoftmaxExact(bool quick) {
  RatesPreset preset;
  preset.name = "softmax-exact";
  preset.description = "softmax-gated Gaussian MoE of Nguyen, Nguyen & Ho (NeurIPS 2023), exact-fitted K = 2";
  preset.published = "-0.638 (D1; about -0.61 with the translation-invariant loss)";
  preset.theory = "D1 ~ n^-1/2";
  preset.truth = {NeuripsTruth(), CovariateKind::Grid, 1, true};
  StudyOptions& o = preset.options;
  o.fittedK = {2};
  std::vector<arma::uword> sizes = LinearSizes(100, 900, 5);
  for (arma::uword n : LinearSizes(1000, 100000, 195)) sizes.push_back(n);
  Schedule(o, quick, LogSizes(200, 5000, 6), 4, sizes, 40);
  return preset;
}

RatesPreset SoftmaxOverFitted(bool quick) {
  RatesPreset preset = SoftmaxExact(quick);
  preset.name = "softmax-overfit";
  preset.description = "the NeurIPS 2023 truth fitted with K = 3 and 4 (over-fitted)";
  preset.published = "depends on the start n and the near-true start (see THEORY.md section 6)";
  preset.theory = "D2 ~ n^-1/2; cells of 2: gate slope and expert intercept n^-1/8, expert slope and variance n^-1/4";
  StudyOptions& o = preset.options;
  o.fittedK = {3, 4};
  Schedule(o, quick, LogSizes(1000, 8000, 4), 3, LinearSizes(10000, 100000, 200), 40);
  if (quick) o.maxIterations = 300;
  return preset;
}

/** AISTATS 2024, Type I or II, in d = 1 or 2 covariate dimensions. */
RatesPreset GaussianGate(bool typeTwo, arma::uword d, bool quick) {
  RatesPreset preset;
  preset.name = std::string("gaussian-gate-type") + (typeTwo ? "2" : "1") + "-d" + std::to_string(d);
  preset.description = std::string("Gaussian-gated MoE of Nguyen, Nguyen, Nguyen & Ho (AISTATS 2024), Type ") +
                       (typeTwo ? "II" : "I") + ", d = " + std::to_string(d) + ", fitted K = 4, 5, one EM step";
  preset.published = "-0.502 to -0.517 (one EM step from the near-true start)";
  preset.theory = "D2 ~ n^-1/2";
  const arma::rowvec centre = typeTwo ? arma::rowvec{0.0, 0.1, 0.5} : arma::rowvec{-0.1, 0.1, 0.5};
  const arma::rowvec gateVariance = {0.042824, 0.0175, 0.01};
  const arma::rowvec slope = {0.404540, -0.714286, 0.0};
  const arma::rowvec intercept = typeTwo ? arma::rowvec{0.3, -0.328571, 0.2} : arma::rowvec{0.340454, -0.328571, 0.2};
  const arma::rowvec variance = typeTwo ? arma::rowvec{0.0011677, 0.0264286, 0.0175}
                                        : arma::rowvec{0.0088767, 0.0264286, 0.0175};
  Model model = Model::Make("gaussian", "gaussian_density(covariance = diagonal)", d + 1, d + 1, 3);
  model.gate().SetBlocks({{"pi", arma::mat{{0.3, 0.4, 0.3}}},
                          {"mean", arma::repmat(arma::mat(centre), d, 1)},
                          {"variance", arma::repmat(arma::mat(gateVariance), d, 1)}});
  for (arma::uword k = 0; k < 3; ++k) {
    arma::vec coefficients(d + 1, arma::fill::value(slope[k]));
    coefficients[0] = intercept[k];
    model.expert(k).SetBlocks({{"coefficients", arma::mat(coefficients)}, {"sigma", One(std::sqrt(variance[k]))}});
  }
  preset.truth = {model, CovariateKind::GateMixture, d, true};
  StudyOptions& o = preset.options;
  o.fittedK = {4, 5};
  o.oneStep = true;
  o.exponents = VoronoiExponents::GaussianGate();
  o.noise = {0.005, 0.005, 0.0005, -0.083, -0.25, true};
  Schedule(o, quick, LogSizes(200, 20000, 6), 3, LinearSizes(100, 100000, 100), 20);
  return preset;
}

RatesPreset CovariateFree(bool quick) {
  RatesPreset preset;
  preset.name = "covariate-free";
  preset.description = "covariate-free softmax gate (Ho, Yang & Jordan 2022): K* = 2, fitted K = 2, 3, x ~ U[0, 1]";
  preset.published = "none (theory only)";
  preset.theory = "exact n^-1/2; one extra atom: W_4 ~ n^-1/8 (intercept n^-1/8, variance n^-1/4)";
  Model model = Model::Make("gaussian", "softmax", 2, 1, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, std::log(1.5)}}}});
  SetGaussianExperts(model, {{1.0, -2.0, 0.4}, {-1.0, 2.0, 0.3}});
  preset.truth = {model, CovariateKind::Uniform, 1, false};
  StudyOptions& o = preset.options;
  o.fittedK = {2, 3};
  Schedule(o, quick, LogSizes(500, 8000, 5), 3, LogSizes(1000, 100000, 40), 20);
  if (quick) o.maxIterations = 300;
  return preset;
}

/** Multinomial-logistic experts (Nguyen, Akbarian, Nguyen & Ho 2023): K* = 2, C = 3 classes. */
RatesPreset Multinomial(const std::string& variant, bool quick) {
  RatesPreset preset;
  const bool vanishing = variant != "slopes";
  const std::string gate = variant == "tanh" ? "softmax(transform = tanh)" : "softmax";
  preset.name = "multinomial-" + variant;
  preset.description = "softmax-gated multinomial-logistic MoE, K* = 2, C = 3, fitted K = 2, 3; " +
                       std::string(variant == "slopes" ? "every expert slope non-zero"
                                   : variant == "vanishing" ? "expert 2's slopes zero"
                                                            : "expert 2's slopes zero, modified softmax M = tanh");
  preset.published = "none (moest's design; the paper publishes no code)";
  preset.theory = variant == "vanishing" ? "slower than any polynomial rate" : "polynomial (exact-fitted n^-1/2)";
  preset.polynomialTheory = variant != "vanishing";
  Model model = Model::Make("multinomial(classes = 3)", gate, 2, 2, 2);
  model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, -1.0}, {0.0, 3.0}}}});
  model.expert(0).SetBlocks({{"coefficients", arma::mat{{1.0, -1.0}, {-2.0, 3.0}}}});
  model.expert(1).SetBlocks({{"coefficients", vanishing ? arma::mat{{-1.0, 0.5}, {0.0, 0.0}} : arma::mat{{-1.0, 0.5}, {3.0, -2.0}}}});
  preset.truth = {model, CovariateKind::Uniform, 1, true};
  StudyOptions& o = preset.options;
  o.fittedK = {2, 3};
  o.noise = {0.005, 0.05, 0.0, -0.083, -0.083, false};
  Schedule(o, quick, LogSizes(500, 4000, 4), 2, LogSizes(1000, 100000, 40), 20);
  if (quick) o.maxIterations = 100;
  return preset;
}

/**
 * The same conditional law with a Laplace gate (centres 0 and 1, no bias) and with a softmax gate
 * (logit difference 2x - 1): on x in [0, 1], -|x - 1| + |x| = 2x - 1, so both truths are one model.
 */
RatesPreset LaplaceOrSoftmax(bool laplace, bool quick) {
  RatesPreset preset;
  preset.name = laplace ? "laplace-gate" : "softmax-gate";
  preset.description = std::string(laplace ? "Laplace" : "softmax") +
                       " gate on the shared Laplace/softmax truth (logit difference 2x - 1 on a grid of [0, 1]), "
                       "NeurIPS 2023 experts, fitted K = 2, 3";
  preset.published = "none (compare the two presets' expert-parameter slopes)";
  preset.theory = laplace ? "over-fitted expert parameters n^-1/4" : "over-fitted: expert intercept n^-1/8, slope and variance n^-1/4";
  Model model = Model::Make("gaussian", laplace ? "laplace" : "softmax", 2, 2, 2);
  if (laplace) {
    model.gate().SetBlocks({{"centres", arma::mat{{0.0, 1.0}}}, {"bias", arma::mat{{0.0, 0.0}}}});
  } else {
    model.gate().SetBlocks({{"coefficients", arma::mat{{0.0, -1.0}, {0.0, 2.0}}}});
  }
  SetGaussianExperts(model, kNeuripsExperts);
  preset.truth = {model, CovariateKind::Grid, 1, true};
  StudyOptions& o = preset.options;
  o.fittedK = {2, 3};
  o.exponents = laplace ? VoronoiExponents::LaplaceGate() : VoronoiExponents::Softmax();
  Schedule(o, quick, LogSizes(500, 4000, 4), 2, LogSizes(1000, 100000, 40), 20);
  if (quick) o.maxIterations = 100;
  return preset;
}

const std::vector<std::pair<std::string, std::function<RatesPreset(bool)>>>& Registry() {
  static const std::vector<std::pair<std::string, std::function<RatesPreset(bool)>>> presets = {
      {"softmax-exact", SoftmaxExact},
      {"softmax-overfit", SoftmaxOverFitted},
      {"gaussian-gate-type1-d1", [](bool q) { return GaussianGate(false, 1, q); }},
      {"gaussian-gate-type2-d1", [](bool q) { return GaussianGate(true, 1, q); }},
      {"gaussian-gate-type1-d2", [](bool q) { return GaussianGate(false, 2, q); }},
      {"gaussian-gate-type2-d2", [](bool q) { return GaussianGate(true, 2, q); }},
      {"covariate-free", CovariateFree},
      {"multinomial-slopes", [](bool q) { return Multinomial("slopes", q); }},
      {"multinomial-vanishing", [](bool q) { return Multinomial("vanishing", q); }},
      {"multinomial-tanh", [](bool q) { return Multinomial("tanh", q); }},
      {"laplace-gate", [](bool q) { return LaplaceOrSoftmax(true, q); }},
      {"softmax-gate", [](bool q) { return LaplaceOrSoftmax(false, q); }},
  };
  return presets;
}

}  // namespace

std::vector<arma::uword> LinearSizes(double from, double to, arma::uword count) {
  std::vector<arma::uword> sizes;
  for (double v : arma::linspace(from, to, count)) sizes.push_back(static_cast<arma::uword>(std::llround(v)));
  return sizes;
}

std::vector<arma::uword> LogSizes(double from, double to, arma::uword count) {
  std::vector<arma::uword> sizes;
  for (double v : arma::linspace(std::log(from), std::log(to), count)) {
    sizes.push_back(static_cast<arma::uword>(std::llround(std::exp(v))));
  }
  return sizes;
}

std::vector<std::string> RatesPresetNames() {
  std::vector<std::string> names;
  for (const auto& entry : Registry()) names.push_back(entry.first);
  return names;
}

RatesPreset GetRatesPreset(const std::string& name, bool quick) {
  std::string known;
  for (const auto& entry : Registry()) {
    if (entry.first == name) return entry.second(quick);
    known += (known.empty() ? "" : ", ") + entry.first;
  }
  throw InputError("unknown rates preset '" + name + "' (the presets are " + known + ")");
}

}  // namespace moest
