// `moest predict`: predictions of a fitted model on the rows of a new table, as CSV.
#include <map>
#include <memory>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "mixed.hpp"
#include "moest/gate/tree_predict.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

enum class PredictionType { Response, Gate, Posterior, Density, Experts, Classes, Branch, Covariance };

const std::map<std::string, PredictionType> kPredictionTypes = {{"branch", PredictionType::Branch},
                                                                {"classes", PredictionType::Classes},
                                                                {"covariance", PredictionType::Covariance},
                                                                {"density", PredictionType::Density},
                                                                {"experts", PredictionType::Experts},
                                                                {"gate", PredictionType::Gate},
                                                                {"posterior", PredictionType::Posterior},
                                                                {"response", PredictionType::Response}};

struct PredictArguments {
  std::string modelPath;
  std::string dataPath;
  std::string type = "response";
  std::string outputPath;  // empty: stdout
  std::string level = "conditional";  // mixed models: conditional (the groups' random effects) | population
};

/** Posterior memberships and densities are evaluated at the observed response. */
bool NeedsResponse(PredictionType type) {
  return type == PredictionType::Posterior || type == PredictionType::Density;
}

/** A CSV cell, quoted when it needs to be. */
std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

/** Class probabilities prob.<label> per class, then the most probable class's label. */
std::string ClassesCsv(const ModelFile& file, const Data& data) {
  const arma::mat prob = PredictClassProbabilities(file.model, data);
  std::vector<std::string> labels = file.classLabels;
  for (arma::uword c = labels.size(); c < prob.n_cols; ++c) labels.push_back(std::to_string(c));
  std::vector<std::string> names;
  for (const std::string& label : labels) names.push_back("prob." + label);
  const std::string numbers = FormatCsv(names, prob);
  const arma::uvec best = MostProbableClass(prob);
  std::string out;
  std::size_t begin = 0;
  for (arma::uword row = 0; begin < numbers.size(); ++row) {
    const std::size_t end = numbers.find('\n', begin);
    out += numbers.substr(begin, end - begin) + "," + (row == 0 ? std::string("class") : CsvCell(labels[best[row - 1]])) + "\n";
    begin = end == std::string::npos ? numbers.size() : end + 1;
  }
  return out;
}

/** A tree model's branch probabilities, one column branch.<path> per branch ("branch.1", "branch.1.2"). */
std::string BranchCsv(const Model& model, const Data& data) {
  std::vector<std::string> paths;
  const arma::mat probabilities = PredictBranches(model, data, paths);
  for (std::string& path : paths) path = "branch." + path;
  return FormatCsv(paths, probabilities);
}

/** A multivariate (mvn) response's conditional covariances: cov.<a>.<b> for every pair a <= b. */
std::string CovarianceCsv(const ModelFile& file, const Data& data) {
  const arma::cube covariance = PredictResponseCovariances(file.model, data);
  const arma::uword d = covariance.n_rows;
  std::vector<std::string> names;
  arma::mat out(covariance.n_slices, d * (d + 1) / 2);
  arma::uword column = 0;
  for (arma::uword a = 0; a < d; ++a) {
    for (arma::uword b = a; b < d; ++b, ++column) {
      names.push_back("cov." + file.responses[a] + "." + file.responses[b]);
      out.col(column) = arma::vec(covariance.tube(a, b));
    }
  }
  return FormatCsv(names, out);
}

/** Means of a multivariate response: mean.<column> (response) or mean.<k>.<column> (experts). */
std::string MultivariateMeansCsv(PredictionType type, const ModelFile& file, const Data& data) {
  std::vector<std::string> names;
  if (type == PredictionType::Response) {
    for (const std::string& column : file.responses) names.push_back("mean." + column);
    return FormatCsv(names, PredictResponseMeans(file.model, data));
  }
  arma::mat out, mean;
  for (arma::uword k = 0; k < file.model.K(); ++k) {
    file.model.expert(k).ResponseMeans(data, mean);
    out = arma::join_rows(out, mean);
    for (const std::string& column : file.responses) names.push_back("mean." + std::to_string(k + 1) + "." + column);
  }
  return FormatCsv(names, out);
}

/** The prediction of `type` as CSV, with the column names of --help. */
std::string PredictionCsv(PredictionType type, const ModelFile& file, const Data& data) {
  const Model& model = file.model;
  const arma::uword K = model.K();
  if (file.responses.size() > 1 && (type == PredictionType::Response || type == PredictionType::Experts)) {
    return MultivariateMeansCsv(type, file, data);
  }
  switch (type) {
    case PredictionType::Response: return FormatCsv({"mean"}, PredictMean(model, data));
    case PredictionType::Gate: return FormatCsv(NumberedNames("gate", K), PredictGate(model, data));
    case PredictionType::Posterior: return FormatCsv(NumberedNames("posterior", K), PredictPosterior(model, data));
    case PredictionType::Density: return FormatCsv({"density"}, PredictDensity(model, data));
    case PredictionType::Experts: return FormatCsv(NumberedNames("mean", K), PredictExpertMeans(model, data));
    case PredictionType::Classes: return ClassesCsv(file, data);
    case PredictionType::Branch: return BranchCsv(model, data);
    case PredictionType::Covariance: return CovarianceCsv(file, data);
  }
  return "";  // unreachable: every type is handled above
}

/**
 * A mixed-effects model: response, gate (the mixing weights) or experts, at the population level
 * (random effects at 0) or conditional on the predicted random effects of each row's group (groups
 * not in the fit fall back to the population level).
 */
int RunMixedPredict(const PredictArguments& args, PredictionType type, const ModelFile& file, const Table& table) {
  const RandomEffectsSection& section = file.randomEffects;
  if (type != PredictionType::Response && type != PredictionType::Gate && type != PredictionType::Experts) {
    throw InputError("--type " + args.type + " is not available for mixed-effects models: use response, gate or "
                     "experts");
  }
  ModelFile fixedPart;  // the design columns without the gate placement's u.1..u.d
  fixedPart.expertTerms = file.expertTerms;
  fixedPart.gateTerms = file.gateTerms;
  fixedPart.gateTerms.resize(fixedPart.gateTerms.size() - RandomGateColumns(section));
  const ModelDesigns designs = DesignsFromTable(fixedPart, table);
  arma::uvec groupOfRow(table.NumRows());
  groupOfRow.fill(kUnseenGroup);
  if (args.level == "conditional") {
    if (!table.Has(section.group)) {
      throw InputError("conditional predictions need the group column '" + section.group + "', which data file '" +
                       args.dataPath + "' lacks (use --level population for random effects at 0)");
    }
    groupOfRow = MatchGroups(section, GroupCells(table, section.group));
  }
  const arma::mat z = DesignFromTermNames(table, section.placement == "expert" ? section.terms : section.randomDesign);
  const arma::mat response(table.NumRows(), 1, arma::fill::zeros);
  const Data data(response, designs.expert, designs.gate);
  const MixedPredictInput input{file.model, section, data, z, groupOfRow};
  const arma::uword K = file.model.K();
  std::string csv;
  if (type == PredictionType::Response) csv = FormatCsv({"mean"}, PredictMixedMean(input));
  if (type == PredictionType::Gate) csv = FormatCsv(NumberedNames("gate", K), PredictMixedWeights(input));
  if (type == PredictionType::Experts) csv = FormatCsv(NumberedNames("mean", K), PredictExpertMeans(file.model, data));
  WriteOutput(args.outputPath, csv);
  return kExitSuccess;
}

int RunPredict(const PredictArguments& args) {
  const PredictionType type = kPredictionTypes.at(args.type);
  const ModelFile file = ReadModelFile(args.modelPath);
  const Table table = ReadCsv(args.dataPath);
  RequireDataRows(table, "data file '" + args.dataPath + "'");
  if (file.randomEffects.present) return RunMixedPredict(args, type, file, table);
  const ModelDesigns designs = DesignsFromTable(file, table);
  arma::mat response(table.NumRows(), 1, arma::fill::zeros);  // only read when NeedsResponse
  if (NeedsResponse(type)) {
    for (const std::string& column : file.responses) {
      if (!table.Has(column)) {
        throw InputError("posterior and density predictions need the response column '" + column +
                         "', which data file '" + args.dataPath + "' lacks (columns: " + table.NameList() + ")");
      }
    }
    // A categorical response is mapped to the class codes of the fit (an unseen class is an error).
    if (!file.classLabels.empty()) {
      response = EncodeClasses(table.Get(file.response), file.classLabels);
    } else {
      response.set_size(table.NumRows(), file.responses.size());
      for (std::size_t j = 0; j < file.responses.size(); ++j) response.col(j) = table.Numeric(file.responses[j]);
    }
  }
  const Data data = DesignData(response, designs);
  WriteOutput(args.outputPath, PredictionCsv(type, file, data));
  return kExitSuccess;
}

}  // namespace

void AddPredictCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<PredictArguments>();
  CLI::App* predict = app.add_subcommand("predict", "Predict from a fitted model at the rows of a new CSV table.");
  predict->footer(
      "Columns by --type: response -> mean (E[y|x]; mean.<column> per column of a multivariate cbind(...) response "
      "of mvn experts); covariance (mvn experts) -> cov.<a>.<b> (Cov(y|x) of the mixture, each pair once); gate -> gate.1..gate.K (g_k(x)); posterior -> "
      "posterior.1..posterior.K (membership given x and y); density -> density (p(y|x)); experts -> "
      "mean.1..mean.K (each expert's mean; mean.<k>.<column> for mvn experts); classes (multinomial experts) -> prob.<label> per class and class "
      "(the most probable one); branch (tree models, --tree) -> branch.<path> per branch below the root (the sum of "
      "its experts' gate weights; paths 1, 2, 1.2, ... number the branches from the root). posterior and density "
      "need the response column. Mixed-effects models (fit --group) offer response, gate and experts: with --level "
      "conditional (the default) each row uses the predicted random effect of its group (the group column must be "
      "present; in the expert placement gate gives the group's posterior membership), and rows of groups not seen "
      "in the fit fall back to the population level; --level population sets every random effect to 0.");
  AddModelArgument(*predict, args->modelPath);
  predict->add_option("data", args->dataPath, "CSV file holding the model's covariate columns")
      ->required()
      ->check(CLI::ExistingFile);
  predict->add_option("-t,--type", args->type, "what to predict")
      ->check(CLI::IsMember(ChoiceNames(kPredictionTypes)))
      ->capture_default_str();
  predict->add_option("--level", args->level,
                      "mixed-effects models: conditional (the groups' predicted random effects) or population (random "
                      "effects at 0)")
      ->check(CLI::IsMember({"conditional", "population"}))
      ->capture_default_str();
  AddCsvOutputOption(*predict, args->outputPath);
  BindAction(*predict, action, args, RunPredict);
}

}  // namespace moest::cli
