// `moest select`: fit a range of K (and of gate and expert families) to a CSV table and rank the fits
// by BIC, ICL or AIC (smaller is better); the best can be written as a model file.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "moest/solver/select.hpp"

#include "arguments.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "observer.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

struct SelectArguments {
  std::string dataPath;
  std::string formula;
  std::string components;
  std::vector<std::string> gates;
  std::vector<std::string> experts;
  std::string criterion = "bic";
  FitOptions options;
  std::string outputPath;  // the best model's file; empty: none
  bool json = false;
  bool quiet = false;
};

/** "a,b" and repeated options into one list, splitting at commas outside parentheses. */
std::vector<std::string> SplitFamilies(const std::vector<std::string>& given, const std::string& fallback) {
  std::vector<std::string> out;
  for (const std::string& text : given) {
    int depth = 0;
    std::string current;
    for (char c : text) {
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) {
        out.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    out.push_back(current);
  }
  if (out.empty()) out.push_back(fallback);
  return out;
}

std::string RankingText(const Selection& selection, arma::uword n) {
  const std::string name = CriterionName(selection.criterion);
  std::string upper = name;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string text = "Model selection by " + upper + " (smaller is better), n = " + std::to_string(n) + "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-5s %-4s %-28s %-20s %14s %5s %14s  %s\n", "rank", "K", "gate", "expert",
                "log-lik", "df", upper.c_str(), "status");
  text += line;
  int rank = 1;
  for (const Candidate& c : selection.ranked) {
    std::snprintf(line, sizeof line, "%-5d %-4llu %-28s %-20s %14.6g %5llu %14.6g  %s\n", rank++,
                  static_cast<unsigned long long>(c.K), c.gate.c_str(), c.expert.c_str(), c.fit.stats.logLikelihood,
                  static_cast<unsigned long long>(c.fit.stats.nParameters), c.value,
                  StatusName(c.fit.stats.status).c_str());
    text += line;
  }
  return text;
}

std::string SelectionJson(const Selection& selection) {
  nlohmann::json rows = nlohmann::json::array();
  for (const Candidate& c : selection.ranked) {
    rows.push_back({{"K", c.K}, {"gate", c.gate}, {"expert", c.expert},
                    {"log_likelihood", c.fit.stats.logLikelihood}, {"df", c.fit.stats.nParameters},
                    {"value", std::isfinite(c.value) ? nlohmann::json(c.value) : nlohmann::json()},
                    {"status", StatusName(c.fit.stats.status)}});
  }
  return nlohmann::json{{"criterion", CriterionName(selection.criterion)}, {"smaller_is_better", true},
                        {"models", rows}}
             .dump(2) + "\n";
}

int RunSelect(const SelectArguments& args) {
  const Formula formula = ParseFormula(args.formula);
  SelectOptions options;
  options.components = ParseComponentRange(args.components);
  options.gates = SplitFamilies(args.gates, "softmax");
  options.experts = SplitFamilies(args.experts, "gaussian");
  for (const std::string& expert : options.experts) {
    if (ParseSpec(expert).family == "multinomial") {
      throw InputError("--expert multinomial: select takes numeric responses; fit class responses with 'moest fit'");
    }
    if (ParseSpec(expert).family == "mvn" || formula.responses.size() > 1) {
      throw InputError("select takes one response column: fit a multivariate cbind(...) response with 'moest fit "
                       "--expert mvn'");
    }
  }
  options.criterion = CriterionFromName(args.criterion);
  options.fit = args.options;
  const Table table = ReadCsv(args.dataPath);
  RequireDataRows(table, "data file '" + args.dataPath + "'");
  const arma::mat response = table.Numeric(formula.response);
  const Design expert = BuildDesign(table, formula.expert);
  const Design gate = BuildDesign(table, formula.gate);
  CheckFullRank(expert.x, expert.names, "expert");
  CheckFullRank(gate.x, gate.names, "gate");
  arma::vec offset;
  if (formula.expert.offset.Present()) offset = EvaluateOffset(table, formula.expert.offset);
  const Data data(response, expert.x, gate.x, nullptr, offset.is_empty() ? nullptr : &offset);

  InstallInterruptHandler();
  CliObserver observer(options.fit.starts, args.quiet, false);
  Selection selection = SelectModels(data, options, observer);
  if (selection.interrupted) {
    PrintNote("the selection was interrupted: no output was written");
    return kExitInterrupted;
  }
  if (!args.outputPath.empty() && !selection.ranked.empty()) {
    Candidate& best = selection.ranked.front();
    ModelFile file;
    file.formula = formula.text;
    file.response = formula.response;
    file.expertTerms = expert.names;
    file.gateTerms = gate.names;
    if (formula.expert.offset.Present()) file.offset = formula.expert.offset.Expression();
    file.bases = MergedBases(expert.bases, gate.bases);
    file.expertFamily = best.expert;
    file.gateFamily = best.gate;
    file.model = best.fit.model;
    file.stats = best.fit.stats;
    file.createdBy = "moest CLI (select)";
    WriteModelFile(file, args.outputPath);
  }
  WriteOutput("", args.json ? SelectionJson(selection) : RankingText(selection, data.N()));
  return kExitSuccess;
}

}  // namespace

void AddSelectCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<SelectArguments>();
  args->options.threads = 0;
  args->options.standardErrors = false;  // only the criteria are needed to rank
  args->options.diagnostics = false;
  CLI::App* select = app.add_subcommand("select", "Fit a range of K (and of gate and expert families) and rank the "
                                                  "fits by BIC, ICL or AIC (smaller is better).");
  select->add_option("data", args->dataPath, "CSV file: a header row, then one row per observation")
      ->required()
      ->check(CLI::ExistingFile);
  select->add_option("-f,--formula", args->formula, "\"y ~ x | z\" as for 'moest fit'")->required();
  select->add_option("-K", args->components, "the K values: 1:6, 3, 1,2,4 or 2:4,6")->required();
  select->add_option("--gate", args->gates, "gate families to try, comma-separated or repeated (default softmax)");
  select->add_option("--expert", args->experts,
                     "expert families to try, comma-separated or repeated (default gaussian)");
  select->add_option("--criterion", args->criterion, "bic, icl or aic (all: smaller is better)")
      ->check(CLI::IsMember({"bic", "icl", "aic"}))
      ->capture_default_str();
  select->add_option("--seed", args->options.seed, "seed of the random starts")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  select->add_option("--starts", args->options.starts, "EM starts of every fit")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  select->add_option("--threads", args->options.threads, "threads running the starts (0: all cores)")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  select->add_option("-o,--output", args->outputPath, "write the best model's file (JSON) here");
  select->add_flag("--json", args->json, "print the ranking as JSON");
  select->add_flag("-q,--quiet", args->quiet, "print no progress");
  BindAction(*select, action, args, RunSelect);
}

}  // namespace moest::cli
