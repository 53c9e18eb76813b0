// The glue behind moe() with a random-effect term ((1 | group) in the formula): R has built the
// designs, the group ids and the random-effect design; the core fits the mixed-effects model.
#include "r_glue.h"
#include "r_observer.h"

// [[Rcpp::depends(RcppArmadillo)]]

namespace {

// `mixed`: placement, quadrature, dimension, monte_carlo, common_variance, fix_zero.
moest::MixedOptions ToMixedOptions(const Rcpp::List& mixed, const std::string& group) {
  moest::MixedOptions options;
  options.placement = moest::PlacementFromName(Rcpp::as<std::string>(mixed["placement"]));
  options.groupName = group;
  const int quadrature = Rcpp::as<int>(mixed["quadrature"]);
  const int dimension = Rcpp::as<int>(mixed["dimension"]);
  const int monteCarlo = Rcpp::as<int>(mixed["monte_carlo"]);
  if (quadrature < 1) throw moest::InputError("'quadrature' must be a whole number of at least 1");
  if (dimension < 0) throw moest::InputError("'dimension' must be a whole number of at least 1 (or NULL: one per random term)");
  if (monteCarlo < 0) throw moest::InputError("'monte_carlo' must not be negative");
  options.quadratureOrder = static_cast<arma::uword>(quadrature);
  options.dimension = static_cast<arma::uword>(dimension);
  options.monteCarloSize = static_cast<arma::uword>(monteCarlo);
  options.commonVariance = Rcpp::as<bool>(mixed["common_variance"]);
  options.fixVarianceAtZero = Rcpp::as<bool>(mixed["fix_zero"]);
  return options;
}

// Fitted values given the predicted random effects: gate placement, the mean at u = E[u_g | data];
// expert placement, sum_k P(z_g = k | y_g) X beta_k + Z E[b_g | y_g].
arma::vec FittedGivenRanef(const moest::MixedFit& fit, const moest::Data& data, const arma::mat& z,
                           const arma::uvec& ofRow) {
  arma::vec mean(data.N(), arma::fill::zeros);
  arma::vec part;
  if (fit.placement == moest::RandomPlacement::Gate) {
    arma::mat design = data.xGate;
    for (arma::uword m = 0; m < z.n_cols; ++m) {
      design = arma::join_rows(design, fit.ranef.rows(ofRow).eval().each_col() % z.col(m));
    }
    return moest::PredictMean(fit.model, moest::Data(data.y, data.xExpert, design));
  }
  for (arma::uword k = 0; k < fit.model.K(); ++k) {
    fit.model.expert(k).Mean(data, part);
    mean += fit.responsibilities.col(k) % part;
  }
  return mean + arma::sum(z % fit.ranef.rows(ofRow), 1);
}

}  // namespace

//' Fit a mixed-effects mixture of experts in the C++ core (internal; use moe()).
//'
//' @param group 0-based dense group ids; @param labels the group labels; @param z the random-effect
//' design; other arguments as moe_fit_cpp, plus `mixed` (see ToMixedOptions).
//' @return list(json, posterior, fitted, random, interrupted, messages).
//' @noRd
// [[Rcpp::export]]
Rcpp::List moe_mixed_fit_cpp(Rcpp::NumericVector y, Rcpp::NumericMatrix x_expert, Rcpp::NumericMatrix x_gate,
                             Rcpp::NumericMatrix z, Rcpp::IntegerVector group, Rcpp::CharacterVector labels, int K,
                             std::string expert, std::string gate, Rcpp::List options, double seed,
                             std::string group_name, Rcpp::List mixed, std::string formula, std::string response) {
  if (K < 1) throw moest::InputError("K must be at least 1 (got " + std::to_string(K) + ")");
  const arma::mat yMat = moest_r::View(y);
  const arma::mat xExpert = moest_r::View(x_expert);
  const arma::mat xGate = moest_r::View(x_gate);
  const arma::mat zMat = moest_r::View(z);
  arma::uvec ids(group.size());
  for (R_xlen_t i = 0; i < group.size(); ++i) {
    if (group[i] == NA_INTEGER || group[i] < 0) {
      throw moest::InputError("group column '" + group_name + "' has a missing value in row " + std::to_string(i + 1));
    }
    ids[i] = static_cast<arma::uword>(group[i]);
  }
  moest::MixedOptions mixedOptions = ToMixedOptions(mixed, group_name);
  mixedOptions.fit = moest_r::ToFitOptions(options, seed);
  mixedOptions.groupLabels = Rcpp::as<std::vector<std::string>>(labels);
  mixedOptions.randomTerms = moest_r::ColumnNames(z);
  const moest::Model prototype = moest::Model::Make(expert, gate, xExpert.n_cols, xGate.n_cols,
                                                    static_cast<arma::uword>(K));
  const moest::Data data(yMat, xExpert, xGate, &ids);
  moest_r::RObserver observer(Rcpp::as<bool>(options["verbose"]));
  moest::MixedFit fit = moest::FitMixed(prototype, data, zMat, mixedOptions, observer);

  moest::ModelFile file;
  file.formula = formula;
  file.response = response;
  file.expertTerms = moest_r::ColumnNames(x_expert);
  file.gateTerms = moest_r::ColumnNames(x_gate);
  const std::vector<std::string> designTerms = moest_r::ColumnNames(z);
  std::vector<std::string> randomTerms = designTerms;
  if (fit.placement == moest::RandomPlacement::Gate) {
    // Gate columns w_m u_j, term-major: u.1..u.d, then <slope>:u.1..
    randomTerms.clear();
    std::vector<std::string> gateColumns;
    for (arma::uword j = 0; j < fit.ranef.n_cols; ++j) randomTerms.push_back("u." + std::to_string(j + 1));
    for (std::size_t m = 0; m < designTerms.size(); ++m) {
      for (const std::string& u : randomTerms) gateColumns.push_back(m == 0 ? u : designTerms[m] + ":" + u);
    }
    file.gateTerms.insert(file.gateTerms.end(), gateColumns.begin(), gateColumns.end());
  }
  std::vector<std::string> groupLabels;
  for (arma::uword g = 0; g < fit.groupLabels.n_elem; ++g) {
    groupLabels.push_back(Rcpp::as<std::string>(labels[fit.groupLabels(g)]));
  }
  file.randomEffects = moest::MakeRandomEffectsSection(fit, group_name, randomTerms, groupLabels, designTerms);
  file.expertFamily = expert;
  file.gateFamily = gate;
  file.createdBy = "moest R package";
  const arma::vec fitted = FittedGivenRanef(fit, data, zMat, moest::IndexGroups(ids, data.N(), group_name, false).ofRow);
  Rcpp::List variance, varianceSe;
  for (const arma::mat& v : fit.varianceComponents) variance.push_back(Rcpp::wrap(v));
  for (const arma::mat& v : fit.varianceSe) varianceSe.push_back(Rcpp::wrap(v));
  const Rcpp::List random = Rcpp::List::create(
      Rcpp::Named("placement") = moest::PlacementName(fit.placement), Rcpp::Named("group") = group_name,
      Rcpp::Named("terms") = randomTerms, Rcpp::Named("integration") = fit.integration,
      Rcpp::Named("nodes_per_group") = static_cast<double>(fit.nodesPerGroup),
      Rcpp::Named("quadrature_order") = static_cast<double>(fit.quadratureOrder),
      Rcpp::Named("variance") = variance, Rcpp::Named("variance_se") = varianceSe,
      Rcpp::Named("design_terms") = designTerms, Rcpp::Named("groups") = groupLabels,
      Rcpp::Named("ranef") = fit.ranef, Rcpp::Named("ranef_sd") = fit.ranefSd,
      Rcpp::Named("group_posterior") = fit.groupPosterior);
  const arma::mat posterior = fit.responsibilities;
  file.model = std::move(fit.model);
  file.stats = std::move(fit.stats);
  return Rcpp::List::create(Rcpp::Named("json") = moest::ModelToJson(file), Rcpp::Named("posterior") = posterior,
                            Rcpp::Named("fitted") = moest_r::AsVector(fitted), Rcpp::Named("random") = random,
                            Rcpp::Named("interrupted") = observer.Interrupted(),
                            Rcpp::Named("messages") = observer.Messages());
}

//' Predictions of a mixed-effects model (internal; use predict()).
//'
//' @param json model-file JSON; @param x_expert,x_gate designs without random effects; @param z the
//' random-effect design (expert placement); @param groups each row's group label, NA for the
//' population level; @param type "response", "gate" or "experts".
//' @noRd
// [[Rcpp::export]]
SEXP moe_mixed_predict_cpp(std::string json, Rcpp::NumericMatrix x_expert, Rcpp::NumericMatrix x_gate,
                           Rcpp::NumericMatrix z, Rcpp::CharacterVector groups, std::string type) {
  const moest::ModelFile file = moest_r::ParseModel(json);
  const arma::mat xExpert = moest_r::View(x_expert);
  const arma::mat xGate = moest_r::View(x_gate);
  const arma::mat zMat = moest_r::View(z);
  std::vector<std::string> labels(groups.size());
  std::vector<bool> population(groups.size());
  for (R_xlen_t i = 0; i < groups.size(); ++i) {
    population[i] = Rcpp::CharacterVector::is_na(groups[i]);
    if (!population[i]) labels[i] = Rcpp::as<std::string>(groups[i]);
  }
  arma::uvec groupOfRow = moest::MatchGroups(file.randomEffects, labels);
  for (std::size_t i = 0; i < population.size(); ++i) {
    if (population[i]) groupOfRow(i) = moest::kUnseenGroup;
  }
  const arma::mat response(xExpert.n_rows, 1, arma::fill::zeros);
  const moest::Data data(response, xExpert, xGate);
  const moest::MixedPredictInput input{file.model, file.randomEffects, data, zMat, groupOfRow};
  if (type == "response") return moest_r::AsVector(moest::PredictMixedMean(input));
  if (type == "gate") return Rcpp::wrap(moest::PredictMixedWeights(input));
  if (type == "experts") return Rcpp::wrap(moest::PredictExpertMeans(file.model, data));
  throw moest::InputError("prediction type '" + type + "' is not available for mixed-effects fits");
}
