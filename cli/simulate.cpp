// `moest simulate`: responses drawn from a fitted model at given covariates, as CSV.
#include <cstdint>
#include <memory>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

struct SimulateArguments {
  std::string modelPath;
  int draws = 0;  // 0: not given (the option itself only accepts n >= 1)
  std::uint64_t seed = 1;
  std::string covariatesPath;  // empty: only intercept-only models can be simulated
  std::string outputPath;      // empty: stdout
};

/** The covariate values of every draw (n x number of covariates) and the model's designs at them. */
struct SimulationInput {
  std::vector<std::string> covariateNames;
  arma::mat covariates;
  ModelDesigns designs;
};

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "'" : ", '") + name + "'";
  return joined;
}

SimulationInput InputFromCovariateFile(const ModelFile& file, const SimulateArguments& args) {
  const Table table = ReadCsv(args.covariatesPath);
  RequireDataRows(table, "covariates file '" + args.covariatesPath + "'");
  const arma::uword rows = table.NumRows();
  const arma::uword n = args.draws > 0 ? static_cast<arma::uword>(args.draws) : rows;
  // Draw i uses covariate row i mod rows, so that -n can ask for more (or fewer) draws than rows.
  arma::uvec source(n);
  for (arma::uword i = 0; i < n; ++i) source[i] = i % rows;
  SimulationInput input;
  input.covariateNames = CovariateNames(file);
  input.covariates = DesignFromTermNames(table, input.covariateNames).rows(source);
  const ModelDesigns designs = DesignsFromTable(file, table);
  input.designs.expert = designs.expert.rows(source);
  input.designs.gate = designs.gate.rows(source);
  if (!designs.offset.is_empty()) input.designs.offset = designs.offset.elem(source);
  return input;
}

// A model file does not store the range of each covariate, so there is nothing honest to draw
// covariates from: without --covariates only intercept-only models can be simulated.
SimulationInput InputWithoutCovariates(const ModelFile& file, const SimulateArguments& args) {
  const std::vector<std::string> covariates = CovariateNames(file);
  if (!covariates.empty()) {
    throw InputError("the model's covariates (" + JoinNames(covariates) + ") need values: pass a CSV file of "
                     "them with --covariates (a model file does not store covariate ranges to draw them from)");
  }
  if (args.draws == 0) throw InputError("give the number of draws with -n (or covariate rows with --covariates)");
  const arma::uword n = static_cast<arma::uword>(args.draws);
  SimulationInput input;
  input.covariates.set_size(n, 0);
  if (!file.offset.empty()) {
    throw InputError("the model has the offset " + file.offset + ": pass its values in a CSV file with --covariates");
  }
  input.designs.expert = arma::mat(n, file.expertTerms.size(), arma::fill::ones);
  input.designs.gate = arma::mat(n, file.gateTerms.size(), arma::fill::ones);
  return input;
}

int RunSimulate(const SimulateArguments& args) {
  const ModelFile file = ReadModelFile(args.modelPath);
  const SimulationInput input = args.covariatesPath.empty() ? InputWithoutCovariates(file, args)
                                                            : InputFromCovariateFile(file, args);
  const arma::mat ignoredResponse(input.covariates.n_rows, 1, arma::fill::zeros);  // Simulate ignores data.y
  Rng rng(args.seed);
  const Simulation simulation =
      Simulate(file.model, DesignData(ignoredResponse, input.designs), rng);

  std::vector<std::string> names = input.covariateNames;
  if (simulation.y.n_cols == 1) {
    names.push_back(file.response);
  } else if (file.responses.size() == simulation.y.n_cols) {
    names.insert(names.end(), file.responses.begin(), file.responses.end());  // mvn experts: cbind(y1, y2)
  } else {
    for (const std::string& name : NumberedNames(file.response, simulation.y.n_cols)) names.push_back(name);
  }
  names.push_back("component");
  const arma::mat component = arma::conv_to<arma::mat>::from(simulation.component) + 1.0;  // 1-based
  WriteOutput(args.outputPath, FormatCsv(names, arma::join_rows(input.covariates, simulation.y, component)));
  return kExitSuccess;
}

}  // namespace

void AddSimulateCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<SimulateArguments>();
  CLI::App* simulate = app.add_subcommand("simulate", "Draw responses from a fitted model at given covariates.");
  simulate->footer(
      "Output columns: the model's covariates, the response (named as in the model) and component (the "
      "expert that produced the draw, 1-based). A model file does not store covariate ranges, so a model "
      "with covariates needs --covariates; only an intercept-only model can be simulated from -n alone.");
  AddModelArgument(*simulate, args->modelPath);
  simulate->add_option("-n,--draws", args->draws,
                       "number of draws; with --covariates it defaults to the number of rows, and the rows "
                       "are reused in order when n is larger")
      ->check(WholeNumberAtLeast(1));
  simulate->add_option("--seed", args->seed, "random seed: the same seed gives the same draws")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  simulate->add_option("--covariates", args->covariatesPath,
                       "CSV file with the model's covariate columns; one draw per row")
      ->check(CLI::ExistingFile);
  AddCsvOutputOption(*simulate, args->outputPath);
  BindAction(*simulate, action, args, RunSimulate);
}

}  // namespace moest::cli
