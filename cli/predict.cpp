// `moest predict`: predictions of a fitted model on the rows of a new table, as CSV.
#include <map>
#include <memory>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

enum class PredictionType { Response, Gate, Posterior, Density, Experts };

const std::map<std::string, PredictionType> kPredictionTypes = {{"density", PredictionType::Density},
                                                                {"experts", PredictionType::Experts},
                                                                {"gate", PredictionType::Gate},
                                                                {"posterior", PredictionType::Posterior},
                                                                {"response", PredictionType::Response}};

struct PredictArguments {
  std::string modelPath;
  std::string dataPath;
  std::string type = "response";
  std::string outputPath;  // empty: stdout
};

/** Posterior memberships and densities are evaluated at the observed response. */
bool NeedsResponse(PredictionType type) {
  return type == PredictionType::Posterior || type == PredictionType::Density;
}

/** The prediction of `type` as CSV, with the column names of --help. */
std::string PredictionCsv(PredictionType type, const Model& model, const Data& data) {
  const arma::uword K = model.K();
  switch (type) {
    case PredictionType::Response: return FormatCsv({"mean"}, PredictMean(model, data));
    case PredictionType::Gate: return FormatCsv(NumberedNames("gate", K), PredictGate(model, data));
    case PredictionType::Posterior: return FormatCsv(NumberedNames("posterior", K), PredictPosterior(model, data));
    case PredictionType::Density: return FormatCsv({"density"}, PredictDensity(model, data));
    case PredictionType::Experts: return FormatCsv(NumberedNames("mean", K), PredictExpertMeans(model, data));
  }
  return "";  // unreachable: every type is handled above
}

int RunPredict(const PredictArguments& args) {
  const PredictionType type = kPredictionTypes.at(args.type);
  const ModelFile file = ReadModelFile(args.modelPath);
  const Table table = ReadCsv(args.dataPath);
  RequireDataRows(table, "data file '" + args.dataPath + "'");
  const ModelDesigns designs = DesignsFromTable(file, table);
  arma::mat response(table.NumRows(), 1, arma::fill::zeros);  // only read when NeedsResponse
  if (NeedsResponse(type)) {
    if (!table.Has(file.response)) {
      throw InputError("posterior and density predictions need the response column '" + file.response +
                       "', which data file '" + args.dataPath + "' lacks (columns: " + table.NameList() + ")");
    }
    response = table.Numeric(file.response);
  }
  const Data data(response, designs.expert, designs.gate);
  WriteOutput(args.outputPath, PredictionCsv(type, file.model, data));
  return kExitSuccess;
}

}  // namespace

void AddPredictCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<PredictArguments>();
  CLI::App* predict = app.add_subcommand("predict", "Predict from a fitted model at the rows of a new CSV table.");
  predict->footer(
      "Columns by --type: response -> mean (E[y|x]); gate -> gate.1..gate.K (g_k(x)); posterior -> "
      "posterior.1..posterior.K (membership given x and y); density -> density (p(y|x)); experts -> "
      "mean.1..mean.K (each expert's mean). posterior and density need the response column.");
  AddModelArgument(*predict, args->modelPath);
  predict->add_option("data", args->dataPath, "CSV file holding the model's covariate columns")
      ->required()
      ->check(CLI::ExistingFile);
  predict->add_option("-t,--type", args->type, "what to predict")
      ->check(CLI::IsMember(ChoiceNames(kPredictionTypes)))
      ->capture_default_str();
  AddCsvOutputOption(*predict, args->outputPath);
  BindAction(*predict, action, args, RunPredict);
}

}  // namespace moest::cli
