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

enum class PredictionType { Response, Gate, Posterior, Density, Experts, Classes, Branch };

const std::map<std::string, PredictionType> kPredictionTypes = {{"branch", PredictionType::Branch},
                                                                {"classes", PredictionType::Classes},
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

/** The prediction of `type` as CSV, with the column names of --help. */
std::string PredictionCsv(PredictionType type, const ModelFile& file, const Data& data) {
  const Model& model = file.model;
  const arma::uword K = model.K();
  switch (type) {
    case PredictionType::Response: return FormatCsv({"mean"}, PredictMean(model, data));
    case PredictionType::Gate: return FormatCsv(NumberedNames("gate", K), PredictGate(model, data));
    case PredictionType::Posterior: return FormatCsv(NumberedNames("posterior", K), PredictPosterior(model, data));
    case PredictionType::Density: return FormatCsv({"density"}, PredictDensity(model, data));
    case PredictionType::Experts: return FormatCsv(NumberedNames("mean", K), PredictExpertMeans(model, data));
    case PredictionType::Classes: return ClassesCsv(file, data);
    case PredictionType::Branch: return BranchCsv(model, data);
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
    if (!table.Has(file.response)) {
      throw InputError("posterior and density predictions need the response column '" + file.response +
                       "', which data file '" + args.dataPath + "' lacks (columns: " + table.NameList() + ")");
    }
    // A categorical response is mapped to the class codes of the fit (an unseen class is an error).
    response = file.classLabels.empty() ? arma::mat(table.Numeric(file.response))
                                        : EncodeClasses(table.Get(file.response), file.classLabels);
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
      "Columns by --type: response -> mean (E[y|x]); gate -> gate.1..gate.K (g_k(x)); posterior -> "
      "posterior.1..posterior.K (membership given x and y); density -> density (p(y|x)); experts -> "
      "mean.1..mean.K (each expert's mean); classes (multinomial experts) -> prob.<label> per class and class "
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
