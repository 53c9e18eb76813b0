// `moest rates`: the convergence-rate study of a preset of THEORY.md section 6 or of a model file,
// written as CSV (one row per n, K, replicate), then the log-log slope table on stdout.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "moest/moest.hpp"
#include "moest/rates/presets.hpp"

#include "arguments.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "observer.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

const std::map<std::string, CovariateKind> kCovariateKinds = {
    {"grid", CovariateKind::Grid}, {"uniform", CovariateKind::Uniform}, {"gate", CovariateKind::GateMixture}};

struct RatesArguments {
  std::string preset;
  std::string truthPath;
  std::string covariates = "grid";
  bool list = false;
  bool quick = false;
  int threads = 0;
  int replicates = 0;  // 0: the preset's
  std::vector<long long> sizes;
  std::vector<long long> fittedK;
  bool oneStep = false;
  bool converged = false;
  std::string start = "near-true";
  int starts = 10;
  std::uint64_t seed = 1;
  long long n0 = 0;
  bool resume = false;
  bool quiet = false;
  std::string outputPath;
};

std::string Fixed(double value, int digits = 3) {
  if (!std::isfinite(value)) return "NA";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

std::string Padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

/** The slope table: one line per (K, loss), mean and median side by side. */
std::string SlopeTable(const std::vector<SlopeFit>& fits) {
  std::string out = Padded("K", 4) + Padded("loss", 18) + Padded("slope(mean)", 13) + Padded("95% CI", 20) +
                    Padded("slope(median)", 15) + Padded("95% CI", 20) + "theory\n";
  for (std::size_t i = 0; i + 1 < fits.size(); i += 2) {
    const SlopeFit& mean = fits[i];
    const SlopeFit& median = fits[i + 1];
    out += Padded(std::to_string(mean.K), 4) + Padded(mean.loss, 18) + Padded(Fixed(mean.slope), 13) +
           Padded("[" + Fixed(mean.lower) + ", " + Fixed(mean.upper) + "]", 20) + Padded(Fixed(median.slope), 15) +
           Padded("[" + Fixed(median.lower) + ", " + Fixed(median.upper) + "]", 20) + Fixed(mean.theory) + "\n";
  }
  return out;
}

int ListPresets() {
  for (const std::string& name : RatesPresetNames()) {
    const RatesPreset preset = GetRatesPreset(name, false);
    std::cout << name << "\n  " << preset.description << "\n  published: " << preset.published
              << "\n  theory: " << preset.theory << "\n";
  }
  return kExitSuccess;
}

/** A preset built from a model file: designs [1, x] for the experts and [1, x] or [1] for the gate. */
RatesPreset PresetFromModelFile(const RatesArguments& args) {
  const ModelFile file = ReadModelFile(args.truthPath);
  const std::string intercept = "(Intercept)";
  if (file.expertTerms.empty() || file.expertTerms[0] != intercept || file.gateTerms.empty() || file.gateTerms[0] != intercept) {
    throw InputError("--truth: the model's expert and gate designs must start with an intercept");
  }
  const std::vector<std::string> gateCovariates(file.gateTerms.begin() + 1, file.gateTerms.end());
  const std::vector<std::string> expertCovariates(file.expertTerms.begin() + 1, file.expertTerms.end());
  if (!gateCovariates.empty() && gateCovariates != expertCovariates) {
    throw InputError("--truth: the gate must use the experts' covariates or none (formula 'y ~ x' or 'y ~ x | 1')");
  }
  RatesPreset preset;
  preset.name = "truth";
  preset.description = "the model in '" + args.truthPath + "'";
  preset.truth = {file.model, kCovariateKinds.at(args.covariates), static_cast<arma::uword>(expertCovariates.size()),
                  !gateCovariates.empty()};
  const std::string gate = file.model.gate().Family();
  preset.options.exponents = file.model.gate().IsJoint() ? VoronoiExponents::GaussianGate()
                             : gate == "laplace"         ? VoronoiExponents::LaplaceGate()
                                                         : VoronoiExponents::Softmax();
  preset.options.fittedK = {file.model.K()};
  preset.options.sizes = LogSizes(500, 5000, 5);
  preset.options.replicates = 5;
  return preset;
}

std::vector<arma::uword> Whole(const std::vector<long long>& values) {
  std::vector<arma::uword> out;
  for (long long v : values) out.push_back(static_cast<arma::uword>(v));
  return out;
}

int RunRates(const RatesArguments& args) {
  if (args.list) return ListPresets();
  if (args.preset.empty() == args.truthPath.empty()) {
    throw InputError("give either --preset NAME (see --list) or --truth MODEL.json");
  }
  if (args.oneStep && args.converged) throw InputError("--one-step and --converged contradict each other");
  if (args.resume && args.outputPath.empty()) throw InputError("--resume needs the study file to resume: -o FILE");
  RatesPreset preset = args.preset.empty() ? PresetFromModelFile(args) : GetRatesPreset(args.preset, args.quick);
  StudyOptions& options = preset.options;
  if (args.replicates > 0) options.replicates = args.replicates;
  if (!args.sizes.empty()) options.sizes = Whole(args.sizes);
  if (!args.fittedK.empty()) options.fittedK = Whole(args.fittedK);
  if (args.oneStep) options.oneStep = true;
  if (args.converged) options.oneStep = false;
  options.start = args.start == "random" ? StartProtocol::Random : StartProtocol::NearTrue;
  options.randomStarts = args.starts;
  options.seed = args.seed;
  options.threads = args.threads;
  options.outputPath = args.outputPath;
  options.resume = args.resume;

  InstallInterruptHandler();
  CliObserver observer(1, args.quiet, false);
  const StudyTable table = RunRatesStudy(preset.truth, options, observer);
  if (table.resumed > 0 && !args.quiet) PrintNote("resumed " + std::to_string(table.resumed) + " finished rows");
  if (table.interrupted) {
    PrintNote("interrupted: " + std::to_string(table.rows.size()) + " finished rows" +
              (args.outputPath.empty() ? "" : " are in '" + args.outputPath + "' (continue with --resume)"));
    return kExitInterrupted;
  }
  SlopeOptions slopeOptions;
  slopeOptions.n0 = args.n0 > 0 ? static_cast<arma::uword>(args.n0) : preset.n0;
  slopeOptions.polynomialTheory = preset.polynomialTheory;
  const std::vector<SlopeFit> fits = FitRateSlopes(table, preset.truth.model.K(), options.exponents, slopeOptions);
  std::cout << "# " << preset.name << ": " << preset.description << "\n# published: " << preset.published
            << "\n# theory: " << preset.theory << "\n# " << (options.oneStep ? "one EM step" : "converged EM")
            << " from " << (options.start == StartProtocol::NearTrue ? "near-true starts" : "random starts") << ", "
            << options.sizes.size() << " sizes from " << options.sizes.front() << " to " << options.sizes.back() << ", "
            << options.replicates << " replicates\n"
            << SlopeTable(fits) << std::flush;
  return kExitSuccess;
}

}  // namespace

void AddRatesCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<RatesArguments>();
  CLI::App* rates = app.add_subcommand("rates", "Convergence-rate study: losses against n for a known true model.");
  rates->footer(
      "Simulates from the truth at every n, fits each K by EM from near-true starts (as in the papers) or "
      "random starts, scores each fit with the Voronoi losses D1, D2 (per parameter too) and, for "
      "covariate-free gates, Wasserstein W1 and W_rbar; one CSV row per (n, K, replicate). Then prints the "
      "OLS slopes of log loss on log n (mean and median over replicates, 95% intervals) beside the theory's. "
      "The same seed gives the same CSV for any --threads. Ctrl-C keeps the finished rows; --resume continues. "
      "'moest rates --list' shows the presets with their published slopes.");
  rates->add_option("--preset", args->preset, "a published setup (see --list)");
  rates->add_option("--truth", args->truthPath,
                    "a model file (moest fit -o) as the true model; its designs must be [1, x] (gate [1, x] or [1])")
      ->check(CLI::ExistingFile);
  rates->add_option("--covariates", args->covariates, "with --truth: covariates on a grid of [0, 1], U[0, 1], or drawn from a density gate")
      ->check(CLI::IsMember(ChoiceNames(kCovariateKinds)))
      ->capture_default_str();
  rates->add_flag("--list", args->list, "list the presets with their published and theoretical slopes");
  rates->add_flag("--quick", args->quick, "the preset at a small size that runs in seconds");
  rates->add_option("--threads", args->threads, "OpenMP threads for the replicates (default: all)")->check(WholeNumberAtLeast(1));
  rates->add_option("--replicates", args->replicates, "replicates per (n, K)")->check(WholeNumberAtLeast(1));
  rates->add_option("--sizes", args->sizes, "the sample sizes n (space separated)")->check(WholeNumberAtLeast(10));
  rates->add_option("--fitted-K", args->fittedK, "the fitted numbers of components")->check(WholeNumberAtLeast(1));
  rates->add_flag("--one-step", args->oneStep, "exactly one EM step from the start (as the published Gaussian-gated runs)");
  rates->add_flag("--converged", args->converged, "EM to convergence (relative tolerance 1e-6, at most 2000 iterations)");
  rates->add_option("--start", args->start, "near-true starts (as the papers) or moest's random starts")
      ->check(CLI::IsMember({"near-true", "random"}))
      ->capture_default_str();
  rates->add_option("--starts", args->starts, "with --start random: starts per fit")->check(WholeNumberAtLeast(1))->capture_default_str();
  rates->add_option("--seed", args->seed, "random seed")->check(WholeNumberAtLeast(0))->capture_default_str();
  rates->add_option("--n0", args->n0, "fit the slopes on sizes n >= n0 only")->check(WholeNumberAtLeast(0));
  rates->add_flag("--resume", args->resume, "keep the finished rows of the -o file and run only the others");
  rates->add_flag("-q,--quiet", args->quiet, "no progress on stderr");
  rates->add_option("-o,--output", args->outputPath, "the study CSV (written atomically; checkpointed every 30 s)");
  BindAction(*rates, action, args, RunRates);
}

}  // namespace moest::cli
