#include "mixed.hpp"

#include <algorithm>
#include <map>

#include "common.hpp"
#include "moest/io/number_text.hpp"
#include "interrupt.hpp"
#include "observer.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

/** The group column as dense ids (sorted distinct labels); InputError naming a missing cell's row. */
arma::uvec GroupIds(const Table& table, const std::string& name, std::vector<std::string>& labels) {
  const std::vector<std::string> cells = GroupCells(table, name);
  labels = cells;
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  arma::uvec ids(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    ids(i) = static_cast<arma::uword>(std::lower_bound(labels.begin(), labels.end(), cells[i]) - labels.begin());
  }
  return ids;
}

}  // namespace

std::vector<std::string> GroupCells(const Table& table, const std::string& name) {
  const Column& column = table.Get(name);
  std::vector<std::string> cells(table.NumRows());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (column.missing[i]) {
      throw InputError("group column '" + name + "' has a missing value (empty or NA) in row " + std::to_string(i + 1));
    }
    cells[i] = column.numeric ? NumberText(column.values[i], "%.15g") : column.text[i];
  }
  return cells;
}

void AddMixedOptions(CLI::App& fit, MixedCliArguments& args) {
  fit.add_option("--group", args.group,
                 "group column for random effects (mixed-effects MoE); rows with the same value share a random "
                 "effect");
  fit.add_option("--random", args.placement,
                 "where the group random intercepts enter: gate (the softmax logits, Fung & Tseung) or expert "
                 "(Gaussian experts, a whole group in one component; the gate may use group-level covariates only)")
      ->check(CLI::IsMember({"gate", "expert"}))
      ->capture_default_str();
  fit.add_option("--quadrature", args.quadrature, "adaptive Gauss-Hermite nodes per random-effect dimension (gate)")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  fit.add_option("--random-dim", args.dimension,
                 "dimension of each group's random effect u in the gate (tensor quadrature up to 3, Monte Carlo "
                 "EM beyond; default: one per random term, i.e. 1 + the number of --random-slopes)")
      ->check(WholeNumberAtLeast(1));
  fit.add_option("--random-slopes", args.slopes,
                 "numeric data columns with group random slopes in the gate (random intercepts always): each "
                 "non-reference logit gets u'(1, x_ij) terms; each group needs two rows or more, and the column "
                 "must vary within some group (it need not be in the gate formula: without it the slope's mean is 0)")
      ->delimiter(',');
  fit.add_option("--monte-carlo", args.monteCarlo, "Monte Carlo EM with this many draws per group (gate; 0: quadrature)")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  fit.add_flag("--common-variance", args.commonVariance, "one residual variance for all experts (expert placement)");
}

int RunMixedFit(const MixedCliArguments& args, const MixedFitInput& input, const Model& prototype) {
  Table table = ReadCsv(input.dataPath);  // for the group ids and the random design only
  std::vector<std::string> labels;
  const arma::uvec ids = GroupIds(table, args.group, labels);
  MixedOptions options;
  options.placement = PlacementFromName(args.placement);
  options.groupName = args.group;
  options.groupLabels = labels;
  options.quadratureOrder = static_cast<arma::uword>(args.quadrature);
  options.dimension = static_cast<arma::uword>(args.dimension);  // 0: one per random term
  options.monteCarloSize = static_cast<arma::uword>(args.monteCarlo);
  options.commonVariance = args.commonVariance;
  options.fit = input.options;
  if (!args.slopes.empty() && options.placement != RandomPlacement::Gate) {
    throw InputError("--random-slopes is for the gate placement (--random gate)");
  }
  std::vector<std::string> designTerms = {"(Intercept)"};
  designTerms.insert(designTerms.end(), args.slopes.begin(), args.slopes.end());
  options.randomTerms = designTerms;
  const arma::mat randomDesign = DesignFromTermNames(table, designTerms);
  table = Table();  // released before the fit
  const Data data(input.y, input.expert.x, input.gate.x, &ids);

  InstallInterruptHandler();
  CliObserver observer(options.fit.starts, input.quiet, !input.tracePath.empty());
  MixedFit fit = FitMixed(prototype, data, randomDesign, options, observer);
  if (fit.stats.status == FitStatus::Interrupted) {
    PrintNote("the fit was interrupted: no output was written");
    return kExitInterrupted;
  }
  ModelFile file;
  file.formula = input.formula;
  file.response = input.response;
  file.expertTerms = input.expert.names;
  file.gateTerms = input.gate.names;
  std::vector<std::string> randomTerms = {"(Intercept)"};
  if (options.placement == RandomPlacement::Gate) {
    randomTerms = NumberedNames("u", fit.ranef.n_cols);
    for (std::size_t m = 1; m < designTerms.size(); ++m) {
      for (const std::string& u : NumberedNames("u", fit.ranef.n_cols)) randomTerms.push_back(designTerms[m] + ":" + u);
    }
    file.gateTerms.insert(file.gateTerms.end(), randomTerms.begin(), randomTerms.end());
  }
  std::vector<std::string> groupLabels;
  for (arma::uword g = 0; g < fit.groupLabels.n_elem; ++g) groupLabels.push_back(labels[fit.groupLabels(g)]);
  if (options.placement == RandomPlacement::Gate) randomTerms.resize(fit.ranef.n_cols);
  file.randomEffects = MakeRandomEffectsSection(fit, args.group, randomTerms, groupLabels, designTerms);
  file.expertFamily = input.expertFamily;
  file.gateFamily = input.gateFamily;
  file.model = std::move(fit.model);
  file.stats = std::move(fit.stats);
  file.createdBy = "moest CLI";
  if (!input.outputPath.empty()) WriteModelFile(file, input.outputPath);
  if (!input.tracePath.empty()) WriteFileAtomically(input.tracePath, observer.TraceCsv());
  if (input.json) {
    WriteOutput("", ModelToJson(file));
  } else if (!input.quiet) {
    WriteOutput("", SummaryText(file));
  }
  if (file.stats.status != FitStatus::Converged) {
    PrintNote("warning: the fit ended with status " + StatusName(file.stats.status) + ": " + file.stats.message);
    return kExitNotConverged;
  }
  return kExitSuccess;
}

}  // namespace moest::cli
