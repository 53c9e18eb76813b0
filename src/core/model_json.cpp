#include "moest/io/model_json.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "moest/errors.hpp"
#include "moest/io/atomic_write.hpp"

namespace moest {

namespace {

using Json = nlohmann::json;

// NaN and infinities are not JSON: they are written as null and read back as NaN.
Json Number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

double ToNumber(const Json& j, const std::string& what, const std::string& source) {
  if (j.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!j.is_number()) throw InputError(source + ": '" + what + "' should be a number");
  return j.get<double>();
}

// An array of rows, whatever the shape (a covariance matrix, even 1 x 1).
Json RowsToJson(const arma::mat& m) {
  Json out = Json::array();
  for (arma::uword i = 0; i < m.n_rows; ++i) {
    Json row = Json::array();
    for (arma::uword j = 0; j < m.n_cols; ++j) row.push_back(Number(m(i, j)));
    out.push_back(row);
  }
  return out;
}

// 1 x 1 as a number, a column as a flat array, anything else as an array of rows.
Json MatrixToJson(const arma::mat& m) {
  if (m.n_rows == 1 && m.n_cols == 1) return Number(m(0, 0));
  if (m.n_cols != 1) return RowsToJson(m);
  Json out = Json::array();
  for (arma::uword i = 0; i < m.n_rows; ++i) out.push_back(Number(m(i, 0)));
  return out;
}

arma::mat MatrixFromJson(const Json& j, const std::string& what, const std::string& source) {
  if (!j.is_array()) return arma::mat(1, 1, arma::fill::value(ToNumber(j, what, source)));
  if (j.empty()) return arma::mat();
  if (!j[0].is_array()) {
    arma::mat m(j.size(), 1);
    for (std::size_t i = 0; i < j.size(); ++i) m(i, 0) = ToNumber(j[i], what, source);
    return m;
  }
  arma::mat m(j.size(), j[0].size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_array() || j[i].size() != m.n_cols) {
      throw InputError(source + ": '" + what + "' has rows of different lengths");
    }
    for (std::size_t c = 0; c < m.n_cols; ++c) m(i, c) = ToNumber(j[i][c], what, source);
  }
  return m;
}

arma::mat SquareFromJson(const Json& j, const std::string& what, const std::string& source) {
  if (!j.is_array()) throw InputError(source + ": '" + what + "' should be a square matrix");
  arma::mat m(j.size(), j.size());
  for (std::size_t r = 0; r < j.size(); ++r) {
    if (!j[r].is_array() || j[r].size() != j.size()) {
      throw InputError(source + ": '" + what + "' should be a square matrix");
    }
    for (std::size_t c = 0; c < j.size(); ++c) m(r, c) = ToNumber(j[r][c], what, source);
  }
  return m;
}

Json BlocksToJson(const ParameterBlocks& blocks) {
  Json out = Json::object();
  for (const ParameterBlock& block : blocks) out[block.name] = MatrixToJson(block.value);
  return out;
}

ParameterBlocks BlocksFromJson(const Json& j, const std::string& what, const std::string& source) {
  if (!j.is_object()) throw InputError(source + ": '" + what + "' should be an object of parameters");
  ParameterBlocks blocks;
  for (auto it = j.begin(); it != j.end(); ++it) {
    blocks.push_back({it.key(), MatrixFromJson(it.value(), what + "." + it.key(), source)});
  }
  return blocks;
}

const Json& Field(const Json& j, const std::string& key, const std::string& source) {
  if (!j.is_object() || !j.contains(key)) throw InputError(source + " lacks the field '" + key + "'");
  return j.at(key);
}

std::vector<std::string> Strings(const Json& j, const std::string& what, const std::string& source) {
  if (!j.is_array()) throw InputError(source + ": '" + what + "' should be a list of names");
  std::vector<std::string> out;
  for (const Json& item : j) {
    if (!item.is_string()) throw InputError(source + ": '" + what + "' should be a list of names");
    out.push_back(item.get<std::string>());
  }
  return out;
}

template <typename T>
T Get(const Json& j, const std::string& key, const std::string& source) {
  const Json& field = Field(j, key, source);
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    // nlohmann converts out-of-range numbers by wrapping: check the range first.
    const bool fits = field.is_number_integer() &&
                      (field.is_number_unsigned() ? field.get<std::uint64_t>() <= std::numeric_limits<T>::max()
                                                  : field.get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                                                        (field.get<std::int64_t>() < 0 ||
                                                         static_cast<std::uint64_t>(field.get<std::int64_t>()) <= std::numeric_limits<T>::max()));
    if (!fits) throw InputError(source + ": the field '" + key + "' should be a whole number in range");
    return field.get<T>();
  } else {
    try {
      return field.get<T>();
    } catch (const nlohmann::json::exception&) {
      throw InputError(source + ": the field '" + key + "' has the wrong type");
    }
  }
}

// A component's family and options: {"family": "t", "options": {"nu": "4"}} (options as written).
Json SpecToJson(const ComponentSpec& spec) {
  Json out = {{"family", spec.family}};
  if (!spec.options.empty()) out["options"] = spec.options;
  return out;
}

ComponentSpec SpecFromJson(const Json& j, const std::string& source) {
  ComponentSpec spec;
  spec.family = Get<std::string>(j, "family", source);
  if (j.contains("options")) {
    if (!j["options"].is_object()) throw InputError(source + ": 'options' should be an object");
    for (auto it = j["options"].begin(); it != j["options"].end(); ++it) {
      if (!it.value().is_string()) throw InputError(source + ": option '" + it.key() + "' should be text");
      spec.options[it.key()] = it.value().get<std::string>();
    }
  }
  return spec;
}

Json StatsToJson(const FitStatistics& s) {
  Json fit;
  fit["log_likelihood"] = Number(s.logLikelihood);
  fit["objective"] = s.objective;
  fit["conditional_log_likelihood"] = Number(s.conditionalLogLikelihood);
  fit["n_parameters"] = s.nParameters;
  fit["n"] = s.n;
  fit["aic"] = Number(s.criteria.aic);
  fit["bic"] = Number(s.criteria.bic);
  fit["icl"] = Number(s.criteria.icl);
  fit["iterations"] = s.iterations;
  fit["status"] = StatusName(s.status);
  fit["message"] = s.message;
  fit["variance_floor_bound"] = s.varianceFloorBound;
  fit["gate_cap_hits"] = s.gateCapHits;
  fit["seed"] = s.seed;
  fit["starts"] = s.startLogLikelihoods.size();
  fit["best_start"] = s.bestStart;
  fit["starts_reaching_best"] = s.startsReachingBest;
  fit["solver"] = s.solver;
  if (s.emVariant != "standard") fit["em_variant"] = s.emVariant;
  fit["gradient_norm"] = Number(s.gradientNorm);
  fit["mle_evaluations"] = s.mleEvaluations;
  if (s.diagnostics.computed) {
    const ConvergenceDiagnostics& d = s.diagnostics;
    fit["diagnostics"] = {{"decreases", d.decreases},
                          {"log_likelihood_rate", Number(d.logLikelihoodRate)},
                          {"parameter_rate", Number(d.parameterRate)},
                          {"aitken_log_likelihood", Number(d.aitkenLogLikelihood)},
                          {"missing_information_rate", Number(d.missingInformationRate)},
                          {"rate_near_one", d.rateNearOne},
                          {"note", d.note}};
  }
  if (s.standardErrors.computed) {
    const StandardErrors& se = s.standardErrors;
    Json out = {{"method", se.method}, {"positive_definite", se.positiveDefinite}, {"message", se.message},
                {"smallest_eigenvalue", Number(se.smallestEigenvalue)}};
    out["gate"] = BlocksToJson(se.gate);
    Json experts = Json::array();
    for (const ParameterBlocks& blocks : se.experts) experts.push_back(BlocksToJson(blocks));
    out["experts"] = experts;
    out["labels"] = se.labels;
    out["vcov"] = RowsToJson(se.vcov);
    if (!se.observedVcov.is_empty()) out["observed_vcov"] = RowsToJson(se.observedVcov);
    fit["standard_errors"] = out;
  }
  Json starts = Json::array();
  for (double value : s.startLogLikelihoods) starts.push_back(Number(value));
  fit["start_log_likelihoods"] = starts;
  Json trace = Json::array();
  for (const TraceRow& row : s.trace) {
    trace.push_back({{"iteration", row.iteration},
                     {"log_likelihood", Number(row.logLikelihood)},
                     {"relative_change", Number(row.relativeChange)},
                     {"seconds", row.seconds},
                     {"decrease", row.decrease},
                     {"parameter_step", row.parameterStep >= 0.0 ? Number(row.parameterStep) : Json(nullptr)},
                     {"em", row.em}});
  }
  fit["trace"] = trace;
  return fit;
}

FitStatistics StatsFromJson(const Json& fit, const std::string& source) {
  FitStatistics s;
  s.logLikelihood = ToNumber(Field(fit, "log_likelihood", source), "log_likelihood", source);
  s.objective = fit.contains("objective") ? Get<std::string>(fit, "objective", source) : "conditional";
  s.conditionalLogLikelihood = fit.contains("conditional_log_likelihood")
                                   ? ToNumber(fit["conditional_log_likelihood"], "conditional_log_likelihood", source)
                                   : s.logLikelihood;
  s.nParameters = Get<arma::uword>(fit, "n_parameters", source);
  s.n = Get<arma::uword>(fit, "n", source);
  s.criteria.aic = ToNumber(Field(fit, "aic", source), "aic", source);
  s.criteria.bic = ToNumber(Field(fit, "bic", source), "bic", source);
  s.criteria.icl = fit.contains("icl") ? ToNumber(fit["icl"], "icl", source) : arma::datum::nan;
  s.iterations = Get<int>(fit, "iterations", source);
  try {
    s.status = StatusFromName(Get<std::string>(fit, "status", source));
  } catch (const InputError& e) {
    throw InputError(source + ": " + e.what());
  }
  if (fit.contains("message")) s.message = Get<std::string>(fit, "message", source);
  if (fit.contains("variance_floor_bound")) s.varianceFloorBound = Get<bool>(fit, "variance_floor_bound", source);
  if (fit.contains("gate_cap_hits")) s.gateCapHits = Get<int>(fit, "gate_cap_hits", source);
  if (fit.contains("seed")) s.seed = Get<std::uint64_t>(fit, "seed", source);
  if (fit.contains("best_start")) s.bestStart = Get<int>(fit, "best_start", source);
  if (fit.contains("starts_reaching_best")) s.startsReachingBest = Get<int>(fit, "starts_reaching_best", source);
  if (fit.contains("solver")) s.solver = Get<std::string>(fit, "solver", source);
  if (fit.contains("em_variant")) s.emVariant = Get<std::string>(fit, "em_variant", source);
  if (fit.contains("gradient_norm")) s.gradientNorm = ToNumber(fit["gradient_norm"], "gradient_norm", source);
  if (fit.contains("mle_evaluations")) s.mleEvaluations = Get<int>(fit, "mle_evaluations", source);
  if (fit.contains("diagnostics")) {
    const Json& j = fit["diagnostics"];
    ConvergenceDiagnostics& d = s.diagnostics;
    d.computed = true;
    d.decreases = Get<int>(j, "decreases", source);
    d.logLikelihoodRate = ToNumber(Field(j, "log_likelihood_rate", source), "log_likelihood_rate", source);
    d.parameterRate = ToNumber(Field(j, "parameter_rate", source), "parameter_rate", source);
    d.aitkenLogLikelihood = ToNumber(Field(j, "aitken_log_likelihood", source), "aitken_log_likelihood", source);
    d.missingInformationRate =
        ToNumber(Field(j, "missing_information_rate", source), "missing_information_rate", source);
    d.rateNearOne = Get<bool>(j, "rate_near_one", source);
    d.note = Get<std::string>(j, "note", source);
  }
  if (fit.contains("standard_errors")) {
    const Json& j = fit["standard_errors"];
    StandardErrors& se = s.standardErrors;
    se.computed = true;
    se.method = Get<std::string>(j, "method", source);
    se.positiveDefinite = Get<bool>(j, "positive_definite", source);
    se.message = Get<std::string>(j, "message", source);
    se.smallestEigenvalue = ToNumber(Field(j, "smallest_eigenvalue", source), "smallest_eigenvalue", source);
    se.gate = BlocksFromJson(Field(j, "gate", source), "standard_errors.gate", source);
    for (const Json& blocks : Field(j, "experts", source)) {
      se.experts.push_back(BlocksFromJson(blocks, "standard_errors.experts", source));
    }
    se.labels = Strings(Field(j, "labels", source), "standard_errors.labels", source);
    se.vcov = SquareFromJson(Field(j, "vcov", source), "standard_errors.vcov", source);
    if (j.contains("observed_vcov")) {
      se.observedVcov = SquareFromJson(j["observed_vcov"], "standard_errors.observed_vcov", source);
    }
  }
  if (fit.contains("start_log_likelihoods")) {
    for (const Json& value : fit["start_log_likelihoods"]) {
      s.startLogLikelihoods.push_back(ToNumber(value, "start_log_likelihoods", source));
    }
  }
  if (fit.contains("trace")) {
    for (const Json& row : fit["trace"]) {
      TraceRow t;
      t.iteration = Get<int>(row, "iteration", source);
      t.logLikelihood = ToNumber(Field(row, "log_likelihood", source), "trace", source);
      t.relativeChange = ToNumber(Field(row, "relative_change", source), "trace", source);
      t.seconds = ToNumber(Field(row, "seconds", source), "trace", source);
      t.decrease = Get<bool>(row, "decrease", source);
      if (row.contains("parameter_step") && !row["parameter_step"].is_null()) {
        t.parameterStep = ToNumber(row["parameter_step"], "trace", source);
      }
      if (row.contains("em")) t.em = Get<bool>(row, "em", source);
      s.trace.push_back(t);
    }
  }
  return s;
}

// The random-effects section of a mixed-effects fit (file version 2).
Json RandomEffectsToJson(const RandomEffectsSection& r) {
  Json j;
  j["placement"] = r.placement;
  j["group"] = r.group;
  j["terms"] = r.terms;
  j["integration"] = r.integration;
  j["quadrature_order"] = r.quadratureOrder;
  j["nodes_per_group"] = r.nodesPerGroup;
  Json components = Json::array();
  for (const arma::mat& m : r.varianceComponents) components.push_back(MatrixToJson(m));
  j["variance_components"] = components;
  if (!r.varianceSe.empty()) {
    Json errors = Json::array();
    for (const arma::mat& m : r.varianceSe) errors.push_back(MatrixToJson(m));
    j["variance_se"] = errors;
  }
  if (!r.randomDesign.empty()) j["random_design"] = r.randomDesign;
  j["groups"] = r.groupLabels;
  j["ranef"] = MatrixToJson(r.ranef);
  j["ranef_sd"] = MatrixToJson(r.ranefSd);
  j["group_posterior"] = MatrixToJson(r.groupPosterior);
  return j;
}

RandomEffectsSection RandomEffectsFromJson(const Json& j, const std::string& source) {
  RandomEffectsSection r;
  r.present = true;
  r.placement = Get<std::string>(j, "placement", source);
  r.group = Get<std::string>(j, "group", source);
  r.terms = Strings(Field(j, "terms", source), "random_effects.terms", source);
  r.integration = Get<std::string>(j, "integration", source);
  r.quadratureOrder = Get<arma::uword>(j, "quadrature_order", source);
  r.nodesPerGroup = Get<arma::uword>(j, "nodes_per_group", source);
  for (const Json& m : Field(j, "variance_components", source)) {
    r.varianceComponents.push_back(MatrixFromJson(m, "variance_components", source));
  }
  if (j.contains("variance_se")) {
    for (const Json& m : j["variance_se"]) r.varianceSe.push_back(MatrixFromJson(m, "variance_se", source));
  }
  if (j.contains("random_design")) r.randomDesign = Strings(j["random_design"], "random_effects.random_design", source);
  if (r.randomDesign.empty() && r.placement == "gate") r.randomDesign = {"(Intercept)"};
  r.groupLabels = Strings(Field(j, "groups", source), "random_effects.groups", source);
  r.ranef = MatrixFromJson(Field(j, "ranef", source), "ranef", source);
  r.ranefSd = MatrixFromJson(Field(j, "ranef_sd", source), "ranef_sd", source);
  r.groupPosterior = MatrixFromJson(Field(j, "group_posterior", source), "group_posterior", source);
  const arma::uword G = r.groupLabels.size();
  // A single group's values come back as a column: make them G rows again.
  if (r.ranef.n_rows != G) r.ranef = r.ranef.t();
  if (r.ranefSd.n_rows != G) r.ranefSd = r.ranefSd.t();
  if (r.groupPosterior.n_rows != G) r.groupPosterior = r.groupPosterior.t();
  return r;
}

// Polynomial bases: {"term": "poly(x, 3)", "column": "x", "degree": 3, "raw": false, "alpha": [...],
// "norm2": [...]} (alpha and norm2 as R's attr(poly(x, 3), "coefs"); absent for raw bases).
Json BasesToJson(const std::vector<PolyBasis>& bases) {
  Json out = Json::array();
  for (const PolyBasis& basis : bases) {
    Json entry = {{"term", basis.Label()}, {"column", basis.column}, {"degree", basis.degree}, {"raw", basis.raw}};
    if (!basis.raw) {
      Json alpha = Json::array(), norm2 = Json::array();
      for (double a : basis.alpha) alpha.push_back(Number(a));
      for (double v : basis.norm2) norm2.push_back(Number(v));
      entry["alpha"] = alpha;
      entry["norm2"] = norm2;
    }
    out.push_back(entry);
  }
  return out;
}

std::vector<PolyBasis> BasesFromJson(const Json& j, const std::string& source) {
  if (!j.is_array()) throw InputError(source + ": 'bases' should be a list");
  std::vector<PolyBasis> bases;
  for (const Json& entry : j) {
    PolyBasis basis;
    basis.column = Get<std::string>(entry, "column", source);
    basis.degree = Get<arma::uword>(entry, "degree", source);
    basis.raw = Get<bool>(entry, "raw", source);
    if (basis.degree < 1 || basis.degree > 1000) throw InputError(source + ": a basis has a degree out of range");
    if (!basis.raw) {
      const arma::mat alpha = MatrixFromJson(Field(entry, "alpha", source), "bases.alpha", source);
      const arma::mat norm2 = MatrixFromJson(Field(entry, "norm2", source), "bases.norm2", source);
      if (alpha.n_elem != basis.degree || norm2.n_elem != basis.degree + 2 || !alpha.is_finite() ||
          !norm2.is_finite() || !(norm2.min() > 0.0)) {
        throw InputError(source + ": the basis of " + basis.Label() + " needs " + std::to_string(basis.degree) +
                         " finite alpha and " + std::to_string(basis.degree + 2) + " positive norm2 values");
      }
      basis.alpha = arma::vectorise(alpha);
      basis.norm2 = arma::vectorise(norm2);
    }
    bases.push_back(basis);
  }
  return bases;
}

}  // namespace

std::string ModelToJson(const ModelFile& file) {
  Json j;
  j["format"] = "moest-model";
  // The lowest version that holds the file: plain models stay readable by version-1 readers.
  j["version"] = file.responses.size() > 1                      ? 4
                 : !file.offset.empty() || !file.bases.empty() ? 3
                 : file.randomEffects.present                  ? 2
                                                               : 1;
  j["created_by"] = file.createdBy;
  j["formula"] = file.formula;
  j["response"] = file.response;
  if (file.responses.size() > 1) j["responses"] = file.responses;
  j["terms"] = {{"expert", file.expertTerms}, {"gate", file.gateTerms}};
  if (!file.classLabels.empty()) j["class_labels"] = file.classLabels;
  if (!file.offset.empty()) j["offset"] = file.offset;
  if (!file.bases.empty()) j["bases"] = BasesToJson(file.bases);
  j["K"] = file.model.K();
  j["gate"] = SpecToJson(file.model.gate().Spec());
  j["gate"]["parameters"] = BlocksToJson(file.model.gate().Blocks());
  Json experts = Json::array();
  for (arma::uword k = 0; k < file.model.K(); ++k) {
    const Expert& expert = file.model.expert(k);
    Json entry = SpecToJson(expert.Spec());
    entry["parameters"] = BlocksToJson(expert.Blocks());
    experts.push_back(entry);
  }
  j["experts"] = experts;
  j["fit"] = StatsToJson(file.stats);
  if (file.randomEffects.present) j["random_effects"] = RandomEffectsToJson(file.randomEffects);
  return j.dump(2) + "\n";
}

ModelFile ModelFromJson(const std::string& text, const std::string& source) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw InputError(source + " is not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != "moest-model") {
    throw InputError(source + " is not a moest model file (no \"format\": \"moest-model\")");
  }
  const int version = Get<int>(j, "version", source);
  if (version > kModelFileVersion) {
    throw InputError(source + " has model-file version " + std::to_string(version) +
                     ", newer than this moest reads (" + std::to_string(kModelFileVersion) +
                     "): upgrade moest");
  }
  if (version < 1) throw InputError(source + " has an invalid model-file version " + std::to_string(version));
  ModelFile file;
  if (j.contains("created_by")) file.createdBy = Get<std::string>(j, "created_by", source);
  file.formula = Get<std::string>(j, "formula", source);
  file.response = Get<std::string>(j, "response", source);
  file.responses = {file.response};
  if (j.contains("responses")) {
    file.responses = Strings(j["responses"], "responses", source);
    if (file.responses.empty() || file.responses.front() != file.response) {
      throw InputError(source + ": 'responses' should list the response columns, starting with 'response'");
    }
  }
  const Json& terms = Field(j, "terms", source);
  file.expertTerms = Strings(Field(terms, "expert", source), "terms.expert", source);
  file.gateTerms = Strings(Field(terms, "gate", source), "terms.gate", source);
  if (j.contains("class_labels")) file.classLabels = Strings(j["class_labels"], "class_labels", source);
  if (j.contains("offset")) {
    file.offset = Get<std::string>(j, "offset", source);
    if (file.offset.empty()) throw InputError(source + ": 'offset' is empty");
  }
  if (j.contains("bases")) file.bases = BasesFromJson(j["bases"], source);
  const int K = Get<int>(j, "K", source);
  if (K < 1) throw InputError(source + ": K must be at least 1");
  const Json& gate = Field(j, "gate", source);
  const Json& experts = Field(j, "experts", source);
  if (!experts.is_array() || experts.size() != static_cast<std::size_t>(K)) {
    throw InputError(source + ": 'experts' should list K = " + std::to_string(K) + " experts");
  }
  const ComponentSpec gateSpec = SpecFromJson(gate, source);
  const ComponentSpec expertSpec = SpecFromJson(experts[0], source);
  file.gateFamily = gateSpec.ToString();
  file.expertFamily = expertSpec.ToString();
  for (const Json& expert : experts) {
    if (SpecFromJson(expert, source).ToString() != file.expertFamily) {
      throw InputError(source + ": experts of different families in one model are not supported yet");
    }
  }
  try {
    file.model = Model::Make(file.expertFamily, file.gateFamily, file.expertTerms.size(),
                             file.gateTerms.size(), static_cast<arma::uword>(K));
    file.model.gate().SetBlocks(BlocksFromJson(Field(gate, "parameters", source), "gate", source));
    for (int k = 0; k < K; ++k) {
      // A fixed option stored again as a parameter (t(nu = 4) with "nu": 5) must agree with it.
      const std::string asMade = file.model.expert(k).Spec().ToString();
      file.model.expert(k).SetBlocks(
          BlocksFromJson(Field(experts[k], "parameters", source), "experts", source));
      if (file.model.expert(k).Spec().ToString() != asMade) {
        throw InputError(source + ": the parameters of expert " + std::to_string(k + 1) + " contradict its options (" +
                         asMade + " but the parameters make it " + file.model.expert(k).Spec().ToString() + ")");
      }
    }
  } catch (const InputError& e) {
    const std::string message = e.what();
    // Messages from the parameter readers already name the file.
    throw InputError(message.rfind(source, 0) == 0 ? message : source + ": " + message);
  }
  file.stats = StatsFromJson(Field(j, "fit", source), source);
  if (j.contains("random_effects")) file.randomEffects = RandomEffectsFromJson(j["random_effects"], source);
  return file;
}

ModelFile ReadModelFile(const std::string& path) {
  if (std::filesystem::is_directory(path)) throw InputError("model file '" + path + "' is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read model file '" + path + "': " + std::strerror(errno));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ModelFromJson(text, "model file '" + path + "'");
}

void WriteModelFile(const ModelFile& file, const std::string& path) {
  WriteFileAtomically(path, ModelToJson(file));
}

}  // namespace moest
