// `moest fit`: read a CSV table, build the designs the formula asks for, fit by EM from several
// starts, write the model file and print a summary. With --stream or --distributed the table is read
// in chunks on every EM pass instead (stream/stream_em.hpp).
#include <map>
#include <memory>
#include <string>

#include "arguments.hpp"
#include "distributed.hpp"
#include "commands.hpp"
#include "interrupt.hpp"
#include "mixed.hpp"
#include "observer.hpp"
#include "moest/gate/tree_shape.hpp"
#include "moest/stream/stream_em.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

const std::map<std::string, StartMethod> kStartMethods = {{"kmeans", StartMethod::KMeans},
                                                           {"mixed", StartMethod::Mixed},
                                                           {"random", StartMethod::RandomPartition},
                                                           {"short-em", StartMethod::ShortEm}};

struct FitArguments {
  std::string dataPath;
  std::string formula;
  int components = 0;
  std::string expertFamily = "gaussian";
  std::string offsetColumn;  // --offset: a column already on the log scale, as offset(column) in the formula
  std::string gateFamily = "softmax";
  std::string treeShape;  // --tree: a hierarchical MoE whose nodes are --gate gates; K from the shape
  FitOptions options;  // all but the start method, which is named by startMethod
  std::string startMethod = "mixed";
  std::string solver = "em";
  std::string stopping = "relative";
  std::string emVariant = "standard";
  std::string standardErrors = "observed";
  std::string labelOrder = "none";
  std::string outputPath;  // empty: no model file
  std::string tracePath;   // empty: no trace file
  std::string startPath;   // empty: no start parameters
  bool json = false;
  bool quiet = false;
  MixedCliArguments mixed;  // --group and its companions (cli/mixed.cpp)
  bool stream = false;            // --stream: EM over the file in chunks (stream/stream_em.hpp)
  bool distributed = false;       // --distributed: streaming EM over MPI ranks (cli/distributed.cpp)
  std::size_t chunkRows = 100000;  // --chunk-rows
  std::size_t startRows = 100000;  // --start-rows: the in-memory sample the starts are fitted on
};

/** What a fit reads from the table, checked before any fitting. */
struct FitInput {
  Formula formula;
  std::string expertFamily;               // args.expertFamily with the classes of a categorical response
  std::vector<std::string> classLabels;   // categorical response: the label of each class code
  arma::mat response;
  Design expert;
  Design gate;                     // names and bases always; x empty when gateSharesExpert
  bool gateSharesExpert = false;   // the gate's terms are the expert's: expert.x serves both
  arma::vec offset;  // empty unless formula.expert.offset is present

  /** The gate design matrix: the expert's when the terms are the same (one n x q copy, not two). */
  const arma::mat& GateX() const { return gateSharesExpert ? expert.x : gate.x; }
};

/** The formula with --offset COL added as offset(COL); InputError when the formula has an offset too. */
Formula FormulaWithOffset(const FitArguments& args) {
  Formula formula = ParseFormula(args.formula);
  if (args.offsetColumn.empty()) return formula;
  if (formula.expert.offset.Present()) {
    throw InputError("--offset " + args.offsetColumn + " and the formula's offset(" +
                     formula.expert.offset.Expression() + ") both give an offset: give one");
  }
  formula.expert.offset = ParseOffsetExpression(args.offsetColumn, "--offset");
  if (formula.expert.offset.log) {
    throw InputError("--offset takes a column name (already on the log scale); write offset(" + args.offsetColumn +
                     ") in the formula for a logarithm");
  }
  formula.text = FormulaText(formula);
  return formula;
}

FitInput LoadFitInput(const FitArguments& args) {
  FitInput input;
  // The formula first: a typo in it is reported without reading a large file.
  input.formula = FormulaWithOffset(args);
  // The table lives only in this function: the fit sees the designs alone.
  const Table table = ReadCsv(args.dataPath);
  RequireDataRows(table, "data file '" + args.dataPath + "'");
  ComponentSpec expertSpec = ParseSpec(args.expertFamily);
  const std::vector<std::string>& responses = input.formula.responses;
  if (expertSpec.family == "mvn") {
    // One column per response of cbind(y1, y2, ...): the expert's dimension comes from the formula.
    const std::string dimension = std::to_string(responses.size());
    if (expertSpec.options.count("dimension") && expertSpec.options["dimension"] != dimension) {
      throw InputError("--expert asks for dimension = " + expertSpec.options["dimension"] + " but the formula has " +
                       dimension + " response column(s)");
    }
    expertSpec.options["dimension"] = dimension;
  } else if (responses.size() > 1) {
    throw InputError("--expert " + expertSpec.family + " models one response column, but the formula has " +
                     std::to_string(responses.size()) + " (" + input.formula.text.substr(0, input.formula.text.find(" ~")) +
                     "): use --expert mvn for a multivariate response");
  }
  if (expertSpec.family == "mvn") {
    input.response.set_size(table.NumRows(), responses.size());
    for (std::size_t j = 0; j < responses.size(); ++j) table.CopyNumeric(responses[j], input.response.colptr(j));
  } else if (expertSpec.family == "multinomial") {
    // A text or whole-number column: its sorted distinct values are the classes 0..C-1.
    const Column& column = table.Get(input.formula.response);
    input.classLabels = ClassLabels(column);
    input.response = EncodeClasses(column, input.classLabels);
    const std::string classes = std::to_string(input.classLabels.size());
    if (expertSpec.options.count("classes") && expertSpec.options["classes"] != classes) {
      throw InputError("--expert asks for classes = " + expertSpec.options["classes"] + " but response column '" +
                       input.formula.response + "' has " + classes + " distinct classes");
    }
    if (input.classLabels.size() < 2) {
      throw InputError("response column '" + input.formula.response + "' has only one class: there is nothing to fit");
    }
    expertSpec.options["classes"] = classes;
  } else {
    input.response.set_size(table.NumRows(), 1);
    table.CopyNumeric(input.formula.response, input.response.memptr());
  }
  input.expertFamily = expertSpec.ToString();
  if (input.formula.expert.offset.Present()) {
    const std::string offset = "offset(" + input.formula.expert.offset.Expression() + ")";
    if (expertSpec.family != "poisson") {
      throw InputError("the offset " + offset + " enters only poisson experts, but --expert is " + expertSpec.family);
    }
    if (!args.mixed.group.empty()) throw InputError("the offset " + offset + " is not supported with --group (mixed effects)");
    input.offset = EvaluateOffset(table, input.formula.expert.offset);
  }
  input.expert = BuildDesign(table, input.formula.expert);
  input.gateSharesExpert = SameDesignTerms(input.formula.expert, input.formula.gate);
  if (input.gateSharesExpert) {
    input.gate.names = input.expert.names;
    input.gate.bases = input.expert.bases;
  } else {
    input.gate = BuildDesign(table, input.formula.gate);
  }
  CheckFullRank(input.expert.x, input.expert.names, "expert");
  if (!input.gateSharesExpert) CheckFullRank(input.gate.x, input.gate.names, "gate");
  return input;
}

// --tree SHAPE turns the gate into tree(shape = SHAPE, node = GATE) and sets K from the shape; -K, if
// given, must agree. Without --tree, -K is required.
FitArguments WithTree(const FitArguments& args) {
  if (args.treeShape.empty()) {
    if (args.components < 1) throw InputError("-K is required (or --tree SHAPE, which implies K)");
    return args;
  }
  FitArguments out = args;
  const arma::uword leaves = ParseTreeShape(args.treeShape).NumLeaves();
  if (args.components > 0 && static_cast<arma::uword>(args.components) != leaves) {
    throw InputError("-K " + std::to_string(args.components) + " conflicts with --tree " + args.treeShape + ", which has " +
                     std::to_string(leaves) + " experts (drop -K)");
  }
  const ComponentSpec node = ParseSpec(args.gateFamily);
  if (node.family == "tree") throw InputError("--tree takes the node family in --gate, not a tree");
  // The tree spec separates its own options by commas, so a node family can carry one option.
  if (node.options.size() > 1) {
    throw InputError("--tree: the node gate '" + args.gateFamily + "' has several options; a tree node takes at most one");
  }
  out.components = static_cast<int>(leaves);
  out.gateFamily = ComponentSpec{"tree", {{"shape", args.treeShape}, {"node", args.gateFamily}}}.ToString();
  return out;
}

/** The model file of a finished fit: enough to predict and simulate on new data later. */
ModelFile MakeModelFile(const FitArguments& args, const FitInput& input, FitResult result) {
  ModelFile file;
  file.formula = input.formula.text;
  file.response = input.formula.response;
  file.responses = input.formula.responses;
  file.expertTerms = input.expert.names;
  file.gateTerms = input.gate.names;
  file.expertFamily = input.expertFamily;
  file.classLabels = input.classLabels;
  if (input.formula.expert.offset.Present()) file.offset = input.formula.expert.offset.Expression();
  file.bases = MergedBases(input.expert.bases, input.gate.bases);
  file.gateFamily = args.gateFamily;
  file.model = std::move(result.model);
  file.stats = std::move(result.stats);
  file.createdBy = "moest CLI";
  return file;
}

/** The parameters of a model file as the start of a fit on `input`'s terms (the core checks the rest). */
Model ReadStartModel(const std::string& path, const FitInput& input) {
  ModelFile start = ReadModelFile(path);
  CheckStartTerms(start.expertTerms, input.expert.names, "expert", "--start " + path);
  CheckStartTerms(start.gateTerms, input.gate.names, "gate", "--start " + path);
  return std::move(start.model);
}

int WriteFitOutputs(const FitArguments& args, const FitOptions& options, const FitInput& input, FitResult result,
                    const CliObserver& observer);
int RunStreamFit(const FitArguments& args);

int RunFit(const FitArguments& rawArgs) {
  if (rawArgs.stream || rawArgs.distributed) return RunStreamFit(rawArgs);
  const FitArguments args = WithTree(rawArgs);
  const FitInput input = LoadFitInput(args);
  const arma::uword K = static_cast<arma::uword>(args.components);
  // Checked before the model is made: an absurd K would otherwise allocate K experts first.
  if (K > input.response.n_rows) {
    throw InputError("-K " + std::to_string(K) + " asks for more experts than the data have rows (" +
                     std::to_string(input.response.n_rows) + ")");
  }
  FitOptions options = args.options;
  options.startMethod = kStartMethods.at(args.startMethod);
  options.solver = SolverFromName(args.solver);
  options.labelOrder = LabelOrderFromName(args.labelOrder);
  options.em.rule = args.stopping == "aitken" ? StoppingRule::Aitken : StoppingRule::Relative;
  options.em.variant = EmVariantFromName(args.emVariant);
  SetStandardErrorChoice(options, args.standardErrors);
  const Model prototype = Model::Make(input.expertFamily, args.gateFamily, input.expert.x.n_cols,
                                      input.GateX().n_cols, K);
  if (!args.mixed.group.empty()) {
    return RunMixedFit(args.mixed, {args.dataPath, input.formula.text, input.formula.response, input.expert,
                                    input.gateSharesExpert ? input.expert : input.gate,
                                    input.response, input.expertFamily, args.gateFamily, options, args.outputPath,
                                    args.tracePath, args.json, args.quiet},
                       prototype);
  }
  const Data data(input.response, input.expert.x, input.GateX(), nullptr,
                  input.formula.expert.offset.Present() ? &input.offset : nullptr);
  if (!args.startPath.empty()) options.startModel = ReadStartModel(args.startPath, input);

  InstallInterruptHandler();
  CliObserver observer(options.starts, args.quiet, !args.tracePath.empty());
  FitResult result = Fit(prototype, data, options, observer);
  if (result.stats.status == FitStatus::Interrupted) {
    PrintNote("the fit was interrupted: no output was written");
    return kExitInterrupted;
  }

  return WriteFitOutputs(args, options, input, std::move(result), observer);
}

// The model file, trace and summary of a finished fit, and the exit code its status calls for.
int WriteFitOutputs(const FitArguments& args, const FitOptions& options, const FitInput& input, FitResult result,
                    const CliObserver& observer) {
  const ModelFile file = MakeModelFile(args, input, std::move(result));
  if (!args.outputPath.empty()) WriteModelFile(file, args.outputPath);
  if (!args.tracePath.empty()) WriteFileAtomically(args.tracePath, observer.TraceCsv());
  if (args.json) {
    WriteOutput("", ModelToJson(file));
  } else if (!args.quiet) {
    WriteOutput("", SummaryText(file));
  }
  if (options.oneStep) {
    PrintNote("one-step mode: one E-step and one M-step from " + args.startPath + " (not a converged fit)");
    return kExitSuccess;
  }
  if (file.stats.status != FitStatus::Converged) {
    PrintNote("warning: the fit ended with status " + StatusName(file.stats.status) + ": " + file.stats.message);
    return kExitNotConverged;
  }
  return kExitSuccess;
}


// The starts of a streaming fit: the usual starts, fitted in memory on the file's first --start-rows
// rows (every process fits the same sample with the same seed, so all hold the same start).
Model FitStartSample(const FitArguments& args, const Formula& formula, FitOptions options, const Model& prototype) {
  const auto sample = OpenChunkSource(args.dataPath, args.startRows);
  Table table;
  sample->Next(&table);
  const arma::mat y = table.Numeric(formula.response);
  const Design expert = BuildDesign(table, formula.expert), gate = BuildDesign(table, formula.gate);
  CheckFullRank(expert.x, expert.names, "expert");
  CheckFullRank(gate.x, gate.names, "gate");
  options.standardErrors = false;
  options.diagnostics = false;
  SilentObserver silent;
  return Fit(prototype, Data(y, expert.x, gate.x), options, silent).model;
}

// --stream and --distributed: EM over the file chunk by chunk, from --start or from starts fitted on a
// sample; in a distributed fit every rank runs this, and rank 0 alone prints and writes.
int RunStreamFit(const FitArguments& args) {
  const std::string mode = " is not supported in streaming/distributed mode";
  if (!args.mixed.group.empty()) throw InputError("--group" + mode);
  if (!args.treeShape.empty()) throw InputError("--tree" + mode);
  if (args.components < 1) throw InputError("-K is required");
  if (ParseSpec(args.expertFamily).family != "gaussian") {
    throw InputError("--expert " + args.expertFamily + mode + " (gaussian experts are)");
  }
  if (args.solver != "em") throw InputError("--solver " + args.solver + mode + " (em is)");
  if (args.options.oneStep) throw InputError("--one-step" + mode);
  if (!args.options.fixed.empty()) throw InputError("--fix" + mode);
  FitOptions options = args.options;
  options.startMethod = kStartMethods.at(args.startMethod);
  options.labelOrder = LabelOrderFromName(args.labelOrder);
  options.em.rule = args.stopping == "aitken" ? StoppingRule::Aitken : StoppingRule::Relative;
  options.em.variant = EmVariantFromName(args.emVariant);
  FitInput input;
  input.formula = FormulaWithOffset(args);
  input.expertFamily = "gaussian";
  CheckStreamableFormula(input.formula);
  const std::unique_ptr<Reducer> reducer =
      args.distributed ? StartDistributed() : std::unique_ptr<Reducer>(std::make_unique<LocalReducer>());
  const bool lead = reducer->Rank() == 0;
  const auto source = OpenChunkSource(args.dataPath, args.chunkRows);
  ChunkedData data(*source, input.formula, reducer->Rank(), reducer->Size());
  input.expert.names = data.ExpertNames();
  input.gate.names = data.GateNames();
  const Model prototype = Model::Make("gaussian", args.gateFamily, input.expert.names.size(), input.gate.names.size(),
                                      static_cast<arma::uword>(args.components));
  CheckStreamable(prototype, options.em);
  const Model start = args.startPath.empty() ? FitStartSample(args, input.formula, options, prototype)
                                             : ReadStartModel(args.startPath, input);
  if (lead && !args.quiet && args.startPath.empty()) {
    PrintNote("start: the best of " + std::to_string(options.starts) + " starts fitted in memory on the first " +
              std::to_string(args.startRows) + " rows; streaming EM over " + source->Describe() + " in chunks of " +
              std::to_string(args.chunkRows) + " rows" +
              (reducer->Size() > 1 ? " on " + std::to_string(reducer->Size()) + " processes" : ""));
  }

  InstallInterruptHandler();
  CliObserver observer(1, args.quiet || !lead, !args.tracePath.empty());
  observer.PrintIterations(true);
  FitResult result = RunStreamingEm(start, data, options.em, observer, *reducer);
  result.stats.seed = options.seed;
  if (result.stats.status == FitStatus::Interrupted) {
    if (lead) PrintNote("the fit was interrupted: no output was written");
    return kExitInterrupted;
  }
  if (options.labelOrder != LabelOrder::None && result.stats.status != FitStatus::NonFinite) {
    arma::mat none;  // a streaming fit keeps no responsibilities
    PermuteComponents(result.model, CanonicalOrder(result.model, options.labelOrder), none);
  }
  if (!lead) return result.stats.status == FitStatus::Converged ? kExitSuccess : kExitNotConverged;
  return WriteFitOutputs(args, options, input, std::move(result), observer);
}

}  // namespace

void AddFitCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<FitArguments>();
  args->options.threads = 0;  // the command line uses every core unless told otherwise
  CLI::App* fit = app.add_subcommand("fit", "Fit a mixture of experts to a CSV table by EM from several starts.");
  fit->footer(
      "Exit code 0 when the kept start converged; 1 when it ended otherwise (max_iterations, degenerate, "
      "non_finite: the model is still written and the status is named on stderr); 2 for bad input; 130 "
      "after Ctrl-C, which writes nothing.");
  fit->add_option("data", args->dataPath, "CSV file: a header row, then one row per observation")
      ->required()
      ->check(CLI::ExistingFile);
  fit->add_option("-f,--formula", args->formula,
                  "\"y ~ x1 + x2 | z1\": the experts use the terms before '|', the gate those after it "
                  "(without '|' both use the same terms); '0 +' drops the intercept, '~ 1' is intercept-only; "
                  "poisson experts take an offset in the expert part: offset(COL) (COL already on the log scale) or "
                  "offset(log(COL)); a multivariate response for --expert mvn is \"cbind(y1, y2) ~ x | z\"")
      ->required();
  fit->add_option("-K", args->components, "number of experts (at least 1; required unless --tree gives it)")
      ->check(WholeNumberAtLeast(1));
  fit->add_option("--tree", args->treeShape,
                  "hierarchical MoE: a tree of --gate gates over the experts, e.g. 2x3 (2 branches of 3 experts), "
                  "2x2x2 (depth 3) or \"[3 2]\" / \"[[2 2] 3]\" for ragged trees; K is the number of leaves");
  fit->add_option("--expert", args->expertFamily,
                  "expert family, with options in parentheses: gaussian, t (\"t(nu = estimate)\" or \"t(nu = 4)\"), "
                  "poisson (counts), multinomial (a text or whole-number class column; classes are set from "
                  "the data), mvn (multivariate Gaussian regression with a full covariance per expert, for a "
                  "response cbind(y1, y2, ...) in the formula; its dimension is set from the formula)")
      ->check(CLI::Validator(
          [](const std::string& value) {
            try {
              MakeExpert(value, 1);
            } catch (const InputError& e) {
              return std::string(e.what());
            }
            return std::string();
          },
          "SPEC"))
      ->capture_default_str();
  fit->add_option("--offset", args->offsetColumn,
                  "poisson experts: a column added to the linear predictor as it is, so it must already be on "
                  "the log scale (log exposure): log mu = x'beta + COL; the same as '+ offset(COL)' in the formula. "
                  "For a column of exposures write '+ offset(log(COL))' in the formula instead");
  fit->add_option("--gate", args->gateFamily,
                  "gate family with options, e.g. softmax, \"softmax(temperature = 0.5)\", \"softmax(top_k = 2)\", "
                  "\"softmax(transform = tanh)\", laplace, gaussian_kernel, probit, gaussian_density, "
                  "\"t_density(nu = 4)\", laplace_density")
      ->check(FamilySpec(GateFamilies()))
      ->capture_default_str();
  fit->add_option("--seed", args->options.seed, "seed of the random starts: the same seed gives the same fit")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  fit->add_option("--starts", args->options.starts, "number of EM starts; the best is kept")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  fit->add_option("--start-method", args->startMethod,
                  "how starts are formed: kmeans (k-means on the standardised data), random (random "
                  "partitions), mixed (the first by k-means, the others random) or short-em (each start the "
                  "best of --short-em-runs EM runs of --short-em-iter iterations, continued to convergence)")
      ->check(CLI::IsMember(ChoiceNames(kStartMethods)))
      ->capture_default_str();
  fit->add_option("--short-em-runs", args->options.shortEm.runs, "short EM runs per start (--start-method short-em)")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  fit->add_option("--short-em-iter", args->options.shortEm.iterations,
                  "EM iterations of each short run (--start-method short-em)")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  fit->add_option("--start", args->startPath,
                  "a model file (same families, K and terms) whose parameters are the first start: EM begins "
                  "with the E-step at them")
      ->check(CLI::ExistingFile);
  fit->add_flag("--one-step", args->options.oneStep,
                "exactly one E-step and one M-step from --start (e.g. to reproduce a published one-iteration "
                "experiment); exit code 0");
  fit->add_option("--fix", args->options.fixed,
                  "hold a parameter block at its --start value (repeatable): gate, gate.<block>, expert<k> or "
                  "expert<k>.<block>, e.g. --fix expert2.sigma");
  fit->add_option("--threads", args->options.threads,
                  "threads running the starts in parallel (0: all cores); the fit is identical for any number")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  fit->add_option("--tol", args->options.em.tolerance,
                  "EM stops when the relative change of the log-likelihood falls below this")
      ->check(PositiveNumber())
      ->capture_default_str();
  fit->add_option("--max-iter", args->options.em.maxIterations, "iteration cap of each EM start")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  fit->add_option("--gate-steps", args->options.em.gateSteps,
                  "Newton steps of the gate's M-step per EM iteration after the first (0: solve each M-step); "
                  "one step is a generalised EM, monotone and as fast to converge (standard EM; --em classification "
                  "and stochastic solve every M-step)")
      ->check(WholeNumberAtLeast(0))
      ->capture_default_str();
  fit->add_option("--solver", args->solver,
                  "em (EM from every start), mle (direct maximum likelihood by L-BFGS from every start) or "
                  "em+mle (EM, then an L-BFGS polish of the best start)")
      ->check(CLI::IsMember({"em", "mle", "em+mle"}))
      ->capture_default_str();
  fit->add_option("--stopping", args->stopping,
                  "EM stopping rule: relative (relative change of the log-likelihood below --tol) or aitken "
                  "(Aitken's asymptotic log-likelihood within --tol, relative, of the current one)")
      ->check(CLI::IsMember({"relative", "aitken"}))
      ->capture_default_str();
  fit->add_option("--em-variant", args->emVariant,
                  "standard (EM), classification (each row to its most probable component before every "
                  "M-step: CEM, flexmix's classify = \"hard\") or stochastic (each row to a component drawn "
                  "from its responsibilities: SEM, a non-monotone chain that runs --max-iter iterations)")
      ->check(CLI::IsMember({"standard", "classification", "stochastic"}))
      ->capture_default_str();
  fit->add_option("--se", args->standardErrors,
                  "standard errors: observed (inverse observed information) or sandwich (H^-1 B H^-1 with B "
                  "the sum of the per-row score outer products, robust to misspecification) or none (no "
                  "information matrices: the fastest fit, without standard errors or the fraction of missing "
                  "information)")
      ->check(CLI::IsMember({"observed", "sandwich", "none"}))
      ->capture_default_str();
  fit->add_option("--label-order", args->labelOrder,
                  "order of the components in the output: none, expert (increasing expert intercept) or gate "
                  "(increasing gate intercept), so that fits from different runs are comparable")
      ->check(CLI::IsMember({"none", "expert", "gate"}))
      ->capture_default_str();
  fit->add_option("--grad-tol", args->options.mle.gradientTolerance,
                  "L-BFGS stops when max |d(l/n)/d theta| falls below this (solvers mle, em+mle)")
      ->check(PositiveNumber())
      ->capture_default_str();
  fit->add_option("-o,--output", args->outputPath, "write the model file (JSON) here, atomically");
  fit->add_option("--trace", args->tracePath,
                  "write every EM iteration of every start here as CSV (start, iteration, log_likelihood, "
                  "relative_change, seconds, decrease)");
  fit->add_flag("--json", args->json, "print the model file's JSON on stdout instead of the summary");
  fit->add_flag("-q,--quiet", args->quiet, "print no progress and no summary (--json and warnings still print)");
  fit->add_flag("--stream", args->stream,
                "streaming EM: read DATA in chunks of --chunk-rows rows on every pass instead of into memory "
                "(memory bounded by the chunk size; DATA a CSV file or a binary table from `moest convert`); "
                "gaussian experts with the softmax or gaussian_density gate; the starts are fitted in memory "
                "on the first --start-rows rows unless --start is given; no standard errors");
  fit->add_flag("--distributed", args->distributed,
                "data-parallel streaming EM under MPI (mpirun -np P moest fit --distributed ...): rank r "
                "reads chunks r, r + P, ...; the sums of every pass are all-reduced, so every rank holds the "
                "same parameters; rank 0 prints and writes the model file. Implies --stream");
  fit->add_option("--chunk-rows", args->chunkRows, "rows per chunk of --stream / --distributed")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  fit->add_option("--start-rows", args->startRows,
                  "--stream / --distributed without --start: the starts are fitted in memory on this many "
                  "first rows of DATA")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  AddMixedOptions(*fit, args->mixed);
  BindAction(*fit, action, args, RunFit);
}

}  // namespace moest::cli
