// R glue of the convergence-rate studies (R/rates.R): runs a preset or a model's study in the core
// and hands back the CSV text, the slope table and the preset's description.
#include <RcppArmadillo.h>

#include "r_glue.h"
#include "r_observer.h"

#include "moest/rates/presets.hpp"

namespace {

moest::RatesPreset PresetFromJson(const std::string& json, const std::string& covariates) {
  const moest::ModelFile file = moest_r::ParseModel(json);
  const std::string intercept = "(Intercept)";
  if (file.expertTerms.empty() || file.expertTerms[0] != intercept || file.gateTerms.empty() ||
      file.gateTerms[0] != intercept) {
    throw moest::InputError("truth: the model's expert and gate designs must start with an intercept");
  }
  moest::RatesPreset preset;
  preset.name = "truth";
  preset.description = "a user-supplied true model";
  const moest::CovariateKind kind = covariates == "uniform" ? moest::CovariateKind::Uniform
                                    : covariates == "gate"  ? moest::CovariateKind::GateMixture
                                                            : moest::CovariateKind::Grid;
  preset.truth = {file.model, kind, static_cast<arma::uword>(file.expertTerms.size() - 1), file.gateTerms.size() > 1};
  preset.options.exponents = file.model.gate().IsJoint()          ? moest::VoronoiExponents::GaussianGate()
                             : file.model.gate().Family() == "laplace" ? moest::VoronoiExponents::LaplaceGate()
                                                                       : moest::VoronoiExponents::Softmax();
  preset.options.fittedK = {file.model.K()};
  preset.options.sizes = moest::LogSizes(500, 5000, 5);
  preset.options.replicates = 5;
  return preset;
}

std::vector<arma::uword> Whole(const Rcpp::IntegerVector& values) {
  std::vector<arma::uword> out;
  for (int v : values) {
    if (v < 1) throw moest::InputError("sizes and K must be positive whole numbers");
    out.push_back(static_cast<arma::uword>(v));
  }
  return out;
}

}  // namespace

// [[Rcpp::export]]
Rcpp::List moe_rates_presets_cpp() {
  const std::vector<std::string> names = moest::RatesPresetNames();
  Rcpp::CharacterVector description, published, theory;
  for (const std::string& name : names) {
    const moest::RatesPreset preset = moest::GetRatesPreset(name, false);
    description.push_back(preset.description);
    published.push_back(preset.published);
    theory.push_back(preset.theory);
  }
  return Rcpp::List::create(Rcpp::Named("preset") = names, Rcpp::Named("description") = description,
                            Rcpp::Named("published") = published, Rcpp::Named("theory") = theory);
}

// [[Rcpp::export]]
Rcpp::List moe_rates_cpp(std::string preset_name, std::string truth_json, std::string covariates,
                         Rcpp::IntegerVector sizes, int replicates, Rcpp::IntegerVector K, int one_step, int threads,
                         double seed, bool quick, std::string start, int starts, std::string output, bool resume,
                         double n0, bool verbose) {
  moest::RatesPreset preset = preset_name.empty() ? PresetFromJson(truth_json, covariates)
                                                  : moest::GetRatesPreset(preset_name, quick);
  moest::StudyOptions& options = preset.options;
  if (sizes.size() > 0) options.sizes = Whole(sizes);
  if (K.size() > 0) options.fittedK = Whole(K);
  if (replicates > 0) options.replicates = replicates;
  if (one_step >= 0) options.oneStep = one_step == 1;
  if (!(seed >= 0.0 && seed == std::floor(seed))) throw moest::InputError("the seed must be a whole number");
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = threads > 0 ? threads : 0;
  options.start = start == "random" ? moest::StartProtocol::Random : moest::StartProtocol::NearTrue;
  options.randomStarts = starts;
  options.outputPath = output;
  options.resume = resume;
  moest_r::RObserver observer(verbose);
  const moest::StudyTable table = moest::RunRatesStudy(preset.truth, options, observer);
  moest::SlopeOptions slopeOptions;
  slopeOptions.n0 = n0 > 0 ? static_cast<arma::uword>(n0) : preset.n0;
  slopeOptions.polynomialTheory = preset.polynomialTheory;
  const std::vector<moest::SlopeFit> fits =
      moest::FitRateSlopes(table, preset.truth.model.K(), options.exponents, slopeOptions);
  Rcpp::IntegerVector fitK;
  Rcpp::CharacterVector loss, statistic;
  Rcpp::NumericVector slope, lower, upper, theory;
  for (const moest::SlopeFit& fit : fits) {
    fitK.push_back(static_cast<int>(fit.K));
    loss.push_back(fit.loss);
    statistic.push_back(fit.statistic);
    slope.push_back(fit.slope);
    lower.push_back(fit.lower);
    upper.push_back(fit.upper);
    theory.push_back(fit.theory);
  }
  const Rcpp::List slopes = moest_r::AsDataFrame(
      Rcpp::List::create(Rcpp::Named("K") = fitK, Rcpp::Named("loss") = loss, Rcpp::Named("statistic") = statistic,
                         Rcpp::Named("slope") = slope, Rcpp::Named("lower") = lower, Rcpp::Named("upper") = upper,
                         Rcpp::Named("theory") = theory),
      fitK.size());
  return Rcpp::List::create(
      Rcpp::Named("csv") = table.Csv(), Rcpp::Named("slopes") = slopes, Rcpp::Named("interrupted") = table.interrupted,
      Rcpp::Named("preset") = preset.name, Rcpp::Named("description") = preset.description,
      Rcpp::Named("published") = preset.published, Rcpp::Named("theory") = preset.theory,
      Rcpp::Named("K_true") = static_cast<int>(preset.truth.model.K()), Rcpp::Named("one_step") = options.oneStep);
}
