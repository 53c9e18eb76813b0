// Glue for a fitted model held as model-file JSON: its contents for R, predictions, simulation,
// reading and writing files, and replacing its parameters.
#include <algorithm>
#include <cmath>

#include "r_glue.h"

// [[Rcpp::depends(RcppArmadillo)]]

namespace {

Rcpp::List BlocksToList(const moest::ParameterBlocks& blocks) {
  Rcpp::List out;
  for (const moest::ParameterBlock& block : blocks) out[block.name] = block.value;
  return out;
}

moest::ParameterBlocks BlocksFromList(const Rcpp::List& list, const std::string& owner) {
  moest::ParameterBlocks blocks;
  const Rcpp::CharacterVector names = list.names();
  for (R_xlen_t i = 0; i < list.size(); ++i) {
    if (!Rf_isNumeric(list[i])) throw moest::InputError(owner + ": parameter blocks must be numeric");
    blocks.push_back({std::string(names[i]), Rcpp::as<arma::mat>(list[i])});
  }
  return blocks;
}

Rcpp::List TraceToFrame(const moest::Trace& trace) {
  const std::size_t n = trace.size();
  Rcpp::IntegerVector iteration(n);
  Rcpp::NumericVector loglik(n), change(n), seconds(n);
  Rcpp::LogicalVector decrease(n);
  for (std::size_t i = 0; i < n; ++i) {
    iteration[i] = trace[i].iteration;
    loglik[i] = trace[i].logLikelihood;
    change[i] = trace[i].relativeChange;
    seconds[i] = trace[i].seconds;
    decrease[i] = trace[i].decrease;
  }
  return moest_r::AsDataFrame(Rcpp::List::create(Rcpp::Named("iteration") = iteration, Rcpp::Named("loglik") = loglik,
                                                  Rcpp::Named("rel_change") = change, Rcpp::Named("seconds") = seconds,
                                                  Rcpp::Named("decrease") = decrease),
                              static_cast<R_xlen_t>(n));
}

Rcpp::List BasicStatsToList(const moest::FitStatistics& s);

// The observed-information covariance a sandwich fit keeps beside its own; NULL otherwise.
SEXP ObservedVcov(const moest::StandardErrors& se) {
  if (se.observedVcov.is_empty()) return R_NilValue;
  Rcpp::NumericMatrix out(se.observedVcov.n_rows, se.observedVcov.n_cols);
  std::copy(se.observedVcov.begin(), se.observedVcov.end(), out.begin());
  return out;
}

// Standard errors as R sees them: NULL when not computed; blocks shaped as the parameters.
SEXP StandardErrorsToList(const moest::StandardErrors& se) {
  if (!se.computed) return R_NilValue;
  Rcpp::List experts;
  for (const moest::ParameterBlocks& blocks : se.experts) experts.push_back(BlocksToList(blocks));
  Rcpp::NumericMatrix vcov(se.vcov.n_rows, se.vcov.n_cols);
  std::copy(se.vcov.begin(), se.vcov.end(), vcov.begin());
  return Rcpp::List::create(Rcpp::Named("method") = se.method,
                            Rcpp::Named("positive_definite") = se.positiveDefinite,
                            Rcpp::Named("message") = se.message,
                            Rcpp::Named("smallest_eigenvalue") = se.smallestEigenvalue,
                            Rcpp::Named("gate") = BlocksToList(se.gate), Rcpp::Named("experts") = experts,
                            Rcpp::Named("labels") = se.labels, Rcpp::Named("vcov") = vcov,
                            Rcpp::Named("observed_vcov") = ObservedVcov(se));
}

Rcpp::List StatsToList(const moest::FitStatistics& s) {
  Rcpp::List out = BasicStatsToList(s);
  out["solver"] = s.solver;
  out["em_variant"] = s.emVariant;
  out["gradient_norm"] = s.gradientNorm;
  out["standard_errors"] = StandardErrorsToList(s.standardErrors);
  if (s.diagnostics.computed) {
    const moest::ConvergenceDiagnostics& d = s.diagnostics;
    out["diagnostics"] = Rcpp::List::create(
        Rcpp::Named("decreases") = d.decreases, Rcpp::Named("loglik_rate") = d.logLikelihoodRate,
        Rcpp::Named("parameter_rate") = d.parameterRate, Rcpp::Named("aitken_loglik") = d.aitkenLogLikelihood,
        Rcpp::Named("missing_information_rate") = d.missingInformationRate,
        Rcpp::Named("rate_near_one") = d.rateNearOne, Rcpp::Named("note") = d.note);
  }
  return out;
}

Rcpp::List BasicStatsToList(const moest::FitStatistics& s) {
  return Rcpp::List::create(
      Rcpp::Named("loglik") = s.logLikelihood, Rcpp::Named("df") = static_cast<double>(s.nParameters),
      Rcpp::Named("nobs") = static_cast<double>(s.n), Rcpp::Named("AIC") = s.criteria.aic,
      Rcpp::Named("BIC") = s.criteria.bic, Rcpp::Named("ICL") = s.criteria.icl,
      Rcpp::Named("iterations") = s.iterations, Rcpp::Named("status") = moest::StatusName(s.status),
      Rcpp::Named("message") = s.message, Rcpp::Named("variance_floor_bound") = s.varianceFloorBound,
      Rcpp::Named("gate_cap_hits") = s.gateCapHits, Rcpp::Named("seed") = static_cast<double>(s.seed),
      Rcpp::Named("best_start") = s.bestStart + 1,
      Rcpp::Named("start_loglik") = Rcpp::NumericVector(s.startLogLikelihoods.begin(), s.startLogLikelihoods.end()),
      Rcpp::Named("starts_reaching_best") = s.startsReachingBest,
      Rcpp::Named("objective") = s.objective, Rcpp::Named("conditional_loglik") = s.conditionalLogLikelihood,
      Rcpp::Named("trace") = TraceToFrame(s.trace));
}

// The data a prediction needs; y may be empty when the prediction does not use it.
struct DataHolder {
  DataHolder(Rcpp::NumericVector& y, Rcpp::NumericMatrix& xExpert, Rcpp::NumericMatrix& xGate,
             const moest::ModelFile& file, Rcpp::NumericVector& offsets)
      : xe(moest_r::View(xExpert)), xg(moest_r::View(xGate)) {
    if (xe.n_cols != file.expertTerms.size() || xg.n_cols != file.gateTerms.size()) {
      throw moest::InputError("the design matrices have " + std::to_string(xe.n_cols) + " and " +
                              std::to_string(xg.n_cols) + " columns but the model has " +
                              std::to_string(file.expertTerms.size()) + " expert and " +
                              std::to_string(file.gateTerms.size()) + " gate terms");
    }
    if (xg.n_rows != xe.n_rows) throw moest::InputError("the two design matrices differ in their rows");
    yy = y.size() == 0 ? arma::mat(xe.n_rows, 1, arma::fill::zeros) : moest_r::View(y);
    if (yy.n_rows != xe.n_rows) throw moest::InputError("the response and the designs differ in their rows");
    if (!file.offset.empty() && offsets.size() == 0) {
      throw moest::InputError("the model has the offset " + file.offset + ": the new data must give it");
    }
    if (file.offset.empty() && offsets.size() > 0) throw moest::InputError("the model has no offset, but one was given");
    if (offsets.size() > 0) {
      offset = arma::vec(offsets.begin(), offsets.size());
      if (offset.n_elem != xe.n_rows) throw moest::InputError("the offset and the designs differ in their rows");
    }
  }
  moest::Data Get() const { return moest::Data(yy, xe, xg, nullptr, offset.is_empty() ? nullptr : &offset); }
  arma::mat yy, xe, xg;
  arma::vec offset;
};

}  // namespace

// The polynomial bases of a model file, each as list(term, column, degree, raw, alpha, norm2).
Rcpp::List BasesToList(const std::vector<moest::PolyBasis>& bases) {
  Rcpp::List out;
  for (const moest::PolyBasis& basis : bases) {
    out.push_back(Rcpp::List::create(Rcpp::Named("term") = basis.Label(), Rcpp::Named("column") = basis.column,
                                     Rcpp::Named("degree") = static_cast<int>(basis.degree),
                                     Rcpp::Named("raw") = basis.raw,
                                     Rcpp::Named("alpha") = moest_r::AsVector(basis.alpha),
                                     Rcpp::Named("norm2") = moest_r::AsVector(basis.norm2)));
  }
  return out;
}

//' The contents of a model's JSON for R (internal).
//' @param json model-file JSON text.
//' @return list(model, gate, experts, stats).
//' @noRd
// [[Rcpp::export]]
Rcpp::List moe_model_info(std::string json) {
  const moest::ModelFile file = moest_r::ParseModel(json);
  Rcpp::List experts(file.model.K());
  for (arma::uword k = 0; k < file.model.K(); ++k) experts[k] = BlocksToList(file.model.expert(k).Blocks());
  const Rcpp::List model = Rcpp::List::create(
      Rcpp::Named("formula") = file.formula, Rcpp::Named("response") = file.response,
      Rcpp::Named("expert_terms") = file.expertTerms, Rcpp::Named("gate_terms") = file.gateTerms,
      Rcpp::Named("expert") = file.expertFamily, Rcpp::Named("gate") = file.gateFamily,
      Rcpp::Named("K") = static_cast<int>(file.model.K()), Rcpp::Named("created_by") = file.createdBy,
      Rcpp::Named("class_labels") = file.classLabels, Rcpp::Named("offset") = file.offset,
      Rcpp::Named("responses") = file.responses,
      Rcpp::Named("bases") = BasesToList(file.bases));
  return Rcpp::List::create(Rcpp::Named("model") = model,
                            Rcpp::Named("gate") = BlocksToList(file.model.gate().Blocks()),
                            Rcpp::Named("experts") = experts, Rcpp::Named("stats") = StatsToList(file.stats));
}

//' Predictions of a model (internal; use predict()).
//' @param json model-file JSON; @param y response (numeric(0) unless type needs it);
//' @param x_expert,x_gate design matrices; @param type response, gate, posterior, density, experts,
//'   probabilities (class probabilities of multinomial experts, n x C), covariance (mvn experts: a
//'   d x d x n array; response is then n x d); @param offset the
//'   model's offset on these rows (numeric(0) when it has none).
//' @return a vector (response, density) or an n x K matrix.
//' @noRd
// [[Rcpp::export]]
SEXP moe_predict_cpp(std::string json, Rcpp::NumericVector y, Rcpp::NumericMatrix x_expert,
                     Rcpp::NumericMatrix x_gate, std::string type, Rcpp::NumericVector offset) {
  const moest::ModelFile file = moest_r::ParseModel(json);
  const DataHolder holder(y, x_expert, x_gate, file, offset);
  const moest::Data data = holder.Get();
  if (type == "response" && file.responses.size() > 1) return Rcpp::wrap(moest::PredictResponseMeans(file.model, data));
  if (type == "response") return moest_r::AsVector(moest::PredictMean(file.model, data));
  if (type == "covariance") return Rcpp::wrap(moest::PredictResponseCovariances(file.model, data));
  if (type == "density") return moest_r::AsVector(moest::PredictDensity(file.model, data));
  if (type == "gate") return Rcpp::wrap(moest::PredictGate(file.model, data));
  if (type == "posterior") return Rcpp::wrap(moest::PredictPosterior(file.model, data));
  if (type == "experts") return Rcpp::wrap(moest::PredictExpertMeans(file.model, data));
  if (type == "probabilities") return Rcpp::wrap(moest::PredictClassProbabilities(file.model, data));
  throw moest::InputError("unknown prediction type '" + type + "'");
}

//' Responses drawn from a model (internal; use simulate()).
//' @param json model-file JSON; @param x_expert,x_gate design matrices; @param nsim replicates;
//' @param seed whole number as a double; @param offset the model's offset (numeric(0) when none).
//' @return an n x nsim matrix (n x (nsim d) for a d-column response, replicate by replicate).
//' @noRd
// [[Rcpp::export]]
Rcpp::NumericMatrix moe_simulate_cpp(std::string json, Rcpp::NumericMatrix x_expert,
                                     Rcpp::NumericMatrix x_gate, int nsim, double seed,
                                     Rcpp::NumericVector offset) {
  const moest::ModelFile file = moest_r::ParseModel(json);
  Rcpp::NumericVector none;
  const DataHolder holder(none, x_expert, x_gate, file, offset);
  const moest::Data data = holder.Get();
  if (!(seed >= 0.0 && seed == std::floor(seed))) throw moest::InputError("the seed must be a whole number");
  // One stream for all replicates, so the first column does not depend on nsim.
  moest::Rng rng(static_cast<std::uint64_t>(seed));
  // A d-column response (mvn experts) gives d columns per replicate, replicate by replicate.
  const R_xlen_t d = static_cast<R_xlen_t>(std::max<std::size_t>(1, file.responses.size()));
  Rcpp::NumericMatrix out(static_cast<int>(data.N()), nsim * d);
  for (int r = 0; r < nsim; ++r) {
    const moest::Simulation sim = moest::Simulate(file.model, data, rng);
    std::copy(sim.y.begin(), sim.y.end(), out.begin() + static_cast<R_xlen_t>(r) * d * data.N());
  }
  return out;
}

//' Write a model file atomically (internal; use write_moe()).
//' @noRd
// [[Rcpp::export]]
void moe_write_cpp(std::string json, std::string path) {
  moest::WriteModelFile(moest_r::ParseModel(json), path);
}

//' Read a model file and return its JSON text, normalised (internal; use read_moe()).
//' @noRd
// [[Rcpp::export]]
std::string moe_read_cpp(std::string path) { return moest::ModelToJson(moest::ReadModelFile(path)); }

//' A model's JSON with new parameters (internal): `gate` a named list of blocks, `experts` a list of
//' K such lists. The fit statistics are kept as they were.
//' @noRd
// [[Rcpp::export]]
std::string moe_set_parameters_cpp(std::string json, Rcpp::List gate, Rcpp::List experts) {
  moest::ModelFile file = moest_r::ParseModel(json);
  if (static_cast<arma::uword>(experts.size()) != file.model.K()) {
    throw moest::InputError("expected parameters for " + std::to_string(file.model.K()) + " experts");
  }
  file.model.gate().SetBlocks(BlocksFromList(gate, "gate"));
  for (arma::uword k = 0; k < file.model.K(); ++k) {
    file.model.expert(k).SetBlocks(BlocksFromList(experts[k], "expert " + std::to_string(k + 1)));
  }
  return moest::ModelToJson(file);
}
