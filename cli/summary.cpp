// `moest summary`: a fitted model as text, or as a compact JSON summary.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "arguments.hpp"
#include "commands.hpp"

namespace moest::cli {

namespace {

struct SummaryArguments {
  std::string modelPath;
  bool json = false;
};

/**
 * One line of JSON: the model's formula, families, fit statistics and parameters. Taken from the
 * model file's own JSON so that numbers (and null for non-finite values) are written the same way.
 */
std::string CompactSummary(const ModelFile& file) {
  const nlohmann::json model = nlohmann::json::parse(ModelToJson(file));
  const nlohmann::json& fit = model.at("fit");
  nlohmann::json experts = nlohmann::json::array();
  for (const nlohmann::json& expert : model.at("experts")) experts.push_back(expert.at("parameters"));
  nlohmann::json summary;
  summary["formula"] = model.at("formula");
  summary["response"] = model.at("response");
  summary["K"] = model.at("K");
  summary["families"] = {{"expert", file.expertFamily}, {"gate", file.gateFamily}};
  for (const char* key : {"log_likelihood", "n_parameters", "n", "aic", "bic", "icl", "iterations", "status",
                          "message"}) {
    summary[key] = fit.at(key);
  }
  summary["parameters"] = {{"gate", model.at("gate").at("parameters")}, {"experts", experts}};
  return summary.dump() + "\n";
}

int RunSummary(const SummaryArguments& args) {
  const ModelFile file = ReadModelFile(args.modelPath);
  WriteOutput("", args.json ? CompactSummary(file) : SummaryText(file));
  return kExitSuccess;
}

}  // namespace

void AddSummaryCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<SummaryArguments>();
  CLI::App* summary = app.add_subcommand("summary", "Describe a fitted model: coefficients, log-likelihood, AIC/BIC/ICL, status.");
  AddModelArgument(*summary, args->modelPath);
  summary->add_flag("--json", args->json,
                    "print one line of JSON (formula, K, families, log_likelihood, n_parameters, aic, bic, "
                    "icl, iterations, status, parameters) instead of text");
  BindAction(*summary, action, args, RunSummary);
}

}  // namespace moest::cli
