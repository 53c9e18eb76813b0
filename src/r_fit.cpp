// The one glue function behind moe(): R has built the response and both design matrices and checked
// the data; the core validates again, fits, and the model comes back as model-file JSON.
#include <cmath>

#include "r_glue.h"
#include "r_observer.h"

// [[Rcpp::depends(RcppArmadillo)]]

namespace moest_r {

std::vector<std::string> ColumnNames(const Rcpp::NumericMatrix& m) {
  std::vector<std::string> names;
  const Rcpp::RObject dimnames = m.attr("dimnames");
  Rcpp::CharacterVector given;
  if (!dimnames.isNULL()) {
    const Rcpp::List list(dimnames);
    if (!Rf_isNull(list[1])) given = list[1];
  }
  for (R_xlen_t j = 0; j < m.ncol(); ++j) {
    names.push_back(given.size() == m.ncol() ? std::string(given[j]) : "column " + std::to_string(j + 1));
  }
  return names;
}

namespace {

moest::StartMethod StartMethodFromName(const std::string& name) {
  if (name == "mixed") return moest::StartMethod::Mixed;
  if (name == "kmeans") return moest::StartMethod::KMeans;
  if (name == "random") return moest::StartMethod::RandomPartition;
  if (name == "short-em") return moest::StartMethod::ShortEm;
  throw moest::InputError("unknown start method '" + name + "' (known: mixed, kmeans, random, short-em)");
}

// A seed arrives as a double holding a whole number (R has no 64-bit integers).
std::uint64_t SeedFromDouble(double seed) {
  if (!(seed >= 0.0 && seed <= 9007199254740992.0 && seed == std::floor(seed))) {
    throw moest::InputError("the seed must be a whole number between 0 and 2^53");
  }
  return static_cast<std::uint64_t>(seed);
}

}  // namespace

// `options` is moe_control()'s list plus `starts` and `partition` (labels 1..K, or empty).
moest::FitOptions ToFitOptions(const Rcpp::List& options, double seed) {
  moest::FitOptions fit;
  fit.em.tolerance = Rcpp::as<double>(options["tol"]);
  fit.em.maxIterations = Rcpp::as<int>(options["max_iter"]);
  fit.em.varianceFloor = Rcpp::as<double>(options["variance_floor"]);
  fit.em.gateMaxNewton = Rcpp::as<int>(options["gate_max_newton"]);
  if (options.containsElementNamed("gate_steps")) fit.em.gateSteps = Rcpp::as<int>(options["gate_steps"]);
  fit.starts = Rcpp::as<int>(options["starts"]);
  fit.startMethod = StartMethodFromName(Rcpp::as<std::string>(options["start"]));
  fit.seed = SeedFromDouble(seed);
  if (options.containsElementNamed("solver")) {
    fit.solver = moest::SolverFromName(Rcpp::as<std::string>(options["solver"]));
  }
  if (options.containsElementNamed("stopping") && Rcpp::as<std::string>(options["stopping"]) == "aitken") {
    fit.em.rule = moest::StoppingRule::Aitken;
  }
  if (options.containsElementNamed("label_order")) {
    fit.labelOrder = moest::LabelOrderFromName(Rcpp::as<std::string>(options["label_order"]));
  }
  if (options.containsElementNamed("grad_tol")) fit.mle.gradientTolerance = Rcpp::as<double>(options["grad_tol"]);
  if (options.containsElementNamed("threads")) fit.threads = Rcpp::as<int>(options["threads"]);
  if (options.containsElementNamed("short_em_runs")) fit.shortEm.runs = Rcpp::as<int>(options["short_em_runs"]);
  if (options.containsElementNamed("short_em_iter")) fit.shortEm.iterations = Rcpp::as<int>(options["short_em_iter"]);
  if (options.containsElementNamed("em")) fit.em.variant = moest::EmVariantFromName(Rcpp::as<std::string>(options["em"]));
  if (options.containsElementNamed("se")) {
    moest::SetStandardErrorChoice(fit, Rcpp::as<std::string>(options["se"]));
  }
  if (options.containsElementNamed("one_step")) fit.oneStep = Rcpp::as<bool>(options["one_step"]);
  if (options.containsElementNamed("fix")) fit.fixed = Rcpp::as<std::vector<std::string>>(options["fix"]);
  const Rcpp::IntegerVector partition = options["partition"];
  fit.initialPartition.set_size(partition.size());
  for (R_xlen_t i = 0; i < partition.size(); ++i) {
    if (partition[i] == NA_INTEGER || partition[i] < 1) {
      throw moest::InputError("the initial partition needs labels 1..K (row " + std::to_string(i + 1) + ")");
    }
    fit.initialPartition[i] = static_cast<arma::uword>(partition[i] - 1);
  }
  return fit;
}

// The polynomial bases R's poly() used (list(column, degree, raw, alpha, norm2) each), stored so that
// the command line predicts in the same basis.
std::vector<moest::PolyBasis> BasesFromList(const Rcpp::List& list) {
  std::vector<moest::PolyBasis> bases;
  for (R_xlen_t i = 0; i < list.size(); ++i) {
    const Rcpp::List entry = list[i];
    moest::PolyBasis basis;
    basis.column = Rcpp::as<std::string>(entry["column"]);
    basis.degree = static_cast<arma::uword>(Rcpp::as<int>(entry["degree"]));
    basis.raw = Rcpp::as<bool>(entry["raw"]);
    if (!basis.raw) {
      basis.alpha = Rcpp::as<arma::vec>(entry["alpha"]);
      basis.norm2 = Rcpp::as<arma::vec>(entry["norm2"]);
    }
    bases.push_back(basis);
  }
  return bases;
}

// The start parameters in `json` (a model file's text), after checking that its design columns are
// those of this fit (the core checks K, the families and the shapes).
namespace {

moest::Model StartModel(const std::string& json, const moest::ModelFile& fit) {
  moest::ModelFile start = moest::ModelFromJson(json, "the start model");
  moest::CheckStartTerms(start.expertTerms, fit.expertTerms, "expert", "the start model");
  moest::CheckStartTerms(start.gateTerms, fit.gateTerms, "gate", "the start model");
  return std::move(start.model);
}

}  // namespace

}  // namespace moest_r

namespace {

// E[y | x]: a vector, or an n x d matrix for a multivariate (mvn) response.
SEXP FittedValues(const moest::Model& model, const moest::Data& data) {
  if (data.y.n_cols > 1) return Rcpp::wrap(moest::PredictResponseMeans(model, data));
  return moest_r::AsVector(moest::PredictMean(model, data));
}

}  // namespace

//' Fit a mixture of experts in the C++ core (internal; use moe()).
//'
//' @param y response vector (or n x d matrix for mvn experts, with options$responses its column
//' names); @param x_expert,x_gate design matrices with column names;
//' @param K number of components; @param expert,gate family names; @param options list of
//' moe_control() entries plus starts and partition; @param seed whole number as a double;
//' @param formula,response text stored in the model file.
//' @return list(json, posterior, fitted, interrupted, messages).
//' @noRd
// [[Rcpp::export]]
Rcpp::List moe_fit_cpp(Rcpp::NumericVector y, Rcpp::NumericMatrix x_expert, Rcpp::NumericMatrix x_gate,
                       int K, std::string expert, std::string gate, Rcpp::List options, double seed,
                       std::string formula, std::string response) {
  if (K < 1) throw moest::InputError("K must be at least 1 (got " + std::to_string(K) + ")");
  const arma::mat yMat = moest_r::View(y);
  const arma::mat xExpert = moest_r::View(x_expert);
  const arma::mat xGate = moest_r::View(x_gate);
  moest::ModelFile file;
  file.formula = formula;
  file.response = response;
  if (options.containsElementNamed("responses")) {
    file.responses = Rcpp::as<std::vector<std::string>>(options["responses"]);
    if (!file.responses.empty()) file.response = file.responses.front();
  }
  file.expertTerms = moest_r::ColumnNames(x_expert);
  file.gateTerms = moest_r::ColumnNames(x_gate);
  file.expertFamily = expert;
  file.gateFamily = gate;
  file.createdBy = "moest R package";
  if (options.containsElementNamed("class_labels")) {
    file.classLabels = Rcpp::as<std::vector<std::string>>(options["class_labels"]);
  }
  if (options.containsElementNamed("bases")) file.bases = moest_r::BasesFromList(options["bases"]);

  const moest::Model prototype = moest::Model::Make(expert, gate, xExpert.n_cols, xGate.n_cols,
                                                    static_cast<arma::uword>(K));
  // An exposure offset (Poisson experts) arrives as options$offset with its expression text.
  arma::vec offset;
  if (options.containsElementNamed("offset")) {
    const Rcpp::NumericVector values = options["offset"];
    offset = arma::vec(values.begin(), values.size());
    if (!offset.is_empty()) file.offset = Rcpp::as<std::string>(options["offset_expression"]);
  }
  // moe() passes one matrix for both designs when the two parts have the same terms: the core then
  // sees one shared design (one rank check, one copy per row block), as the command line's.
  const bool sharedDesign = xGate.memptr() == xExpert.memptr();
  const moest::Data data(yMat, xExpert, sharedDesign ? xExpert : xGate, nullptr,
                         offset.is_empty() ? nullptr : &offset);
  // The core's own rank check knows only column numbers; with enough rows, check first by name
  // (with too few rows the core's message about the number of parameters is the better one).
  if (data.N() > prototype.NumParameters() && xExpert.n_rows == data.N() && xGate.n_rows == data.N()) {
    moest::CheckFullRank(xExpert, file.expertTerms, "expert");
    if (!sharedDesign) moest::CheckFullRank(xGate, file.gateTerms, "gate");
  }
  moest::FitOptions fitOptions = moest_r::ToFitOptions(options, seed);
  if (options.containsElementNamed("start_json")) {
    const std::string json = Rcpp::as<std::string>(options["start_json"]);
    if (!json.empty()) fitOptions.startModel = moest_r::StartModel(json, file);
  }
  moest_r::RObserver observer(Rcpp::as<bool>(options["verbose"]));
  const moest::FitResult result = moest::Fit(prototype, data, fitOptions, observer);

  file.model = result.model;
  file.stats = result.stats;
  Rcpp::List out = Rcpp::List::create(Rcpp::Named("json") = moest::ModelToJson(file),
                                      Rcpp::Named("posterior") = result.responsibilities,
                                      Rcpp::Named("fitted") = FittedValues(result.model, data),
                                      Rcpp::Named("interrupted") = observer.Interrupted(),
                                      Rcpp::Named("messages") = observer.Messages());
  if (!file.classLabels.empty()) {
    out["class_probabilities"] = Rcpp::wrap(moest::PredictClassProbabilities(result.model, data));
  }
  return out;
}
