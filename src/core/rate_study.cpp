#include "moest/rates/study.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "moest/blas_threads.hpp"
#include "moest/errors.hpp"
#include "moest/io/atomic_write.hpp"
#include "moest/model/simulate.hpp"
#include "moest/rates/atoms.hpp"
#include "moest/rates/wasserstein_loss.hpp"
#include "moest/solver/em.hpp"
#include "moest/solver/fit.hpp"

namespace moest {

namespace {

using Key = std::tuple<arma::uword, arma::uword, int>;  // (n, K, replicate)

std::string Number(double value) {
  if (!std::isfinite(value)) return "NA";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

/** The expert design [1, x] and the gate design [1, x] or [1]. */
struct Designs {
  arma::mat expert, gate;
};

Designs MakeDesigns(const RatesTruth& truth, const arma::mat& x) {
  const arma::mat ones(x.n_rows, 1, arma::fill::ones);
  return {arma::join_rows(ones, x), truth.gateCovariates ? arma::join_rows(ones, x) : ones};
}

double VarianceNoise(double variance, double sd, bool absolute, Rng& rng) {
  const double noise = sd * rng.Normal();
  const double value = variance + (absolute ? std::abs(noise) : noise);
  return value > 0.0 ? value : std::abs(value) + 1e-12;
}

/** Fitted gate blocks: atom i copies true atom assign[i], plus noise. */
ParameterBlocks NearTrueGateBlocks(const Gate& gate, const arma::uvec& assign, double sd, double varianceSd,
                                   bool absolute, Rng& rng) {
  const arma::uword Kt = gate.NumComponents(), K = assign.n_elem;
  const arma::uvec counts = arma::hist(assign, arma::regspace<arma::uvec>(0, Kt - 1));
  ParameterBlocks out;
  for (const ParameterBlock& block : gate.Blocks()) {
    const arma::mat& v = block.value;
    if (block.name.rfind("covariance.", 0) == 0) {
      continue;  // per-atom blocks: handled below
    } else if (block.name == "pi") {
      arma::mat pi(1, K);
      for (arma::uword i = 0; i < K; ++i) pi(0, i) = v(0, assign[i]) / counts[assign[i]];
      out.push_back({"pi", pi});
    } else if (v.n_cols == Kt) {
      const bool variance = block.name == "variance" || block.name == "scale";
      arma::mat copy(v.n_rows, K);
      for (arma::uword i = 0; i < K; ++i) {
        for (arma::uword r = 0; r < v.n_rows; ++r) {
          const double value = v(r, assign[i]);
          copy(r, i) = variance ? VarianceNoise(value, varianceSd, absolute, rng) : value + sd * rng.Normal();
        }
      }
      out.push_back({block.name, copy});
    } else {
      out.push_back(block);
    }
  }
  const ParameterBlocks blocks = gate.Blocks();
  for (arma::uword i = 0; i < K; ++i) {
    for (const ParameterBlock& block : blocks) {
      if (block.name != "covariance." + std::to_string(assign[i] + 1)) continue;
      arma::mat covariance = block.value;
      for (arma::uword r = 0; r < covariance.n_rows; ++r) {
        covariance(r, r) = VarianceNoise(covariance(r, r), varianceSd, absolute, rng);
      }
      out.push_back({"covariance." + std::to_string(i + 1), covariance});
    }
  }
  return out;
}

ParameterBlocks NearTrueExpertBlocks(const Expert& expert, double sd, double varianceSd, bool absolute, Rng& rng) {
  ParameterBlocks out = expert.Blocks();
  for (ParameterBlock& block : out) {
    if (block.name == "coefficients") {
      for (double& value : block.value) value += sd * rng.Normal();
    } else if (block.name == "sigma") {
      block.value(0, 0) = std::sqrt(VarianceNoise(block.value(0, 0) * block.value(0, 0), varianceSd, absolute, rng));
    }
  }
  return out;
}

Model Prototype(const RatesTruth& truth, arma::uword K) {
  const Model& m = truth.model;
  const arma::uword p = truth.dimension + 1, q = truth.gateCovariates ? truth.dimension + 1 : 1;
  return Model::Make(m.expert(0).Spec().ToString(), m.gate().Spec().ToString(), p, q, K);
}

/** Draws x from a Gaussian-density gate's mixture sum_k pi_k N(m_k, S_k). */
arma::mat GateMixtureCovariates(const Gate& gate, arma::uword n, arma::uword d, Rng& rng) {
  const ParameterBlocks blocks = gate.Blocks();
  const arma::uword K = gate.NumComponents();
  arma::rowvec pi;
  arma::mat mean, variance;
  std::vector<arma::mat> factors(K);
  for (const ParameterBlock& block : blocks) {
    if (block.name == "pi") pi = block.value.row(0);
    if (block.name == "mean") mean = block.value;
    if (block.name == "variance") variance = block.value;
    if (block.name.rfind("covariance.", 0) == 0) {
      factors[std::stoul(block.name.substr(11)) - 1] = arma::chol(block.value, "lower");
    }
  }
  if (pi.n_elem != K || mean.n_rows != d) {
    throw InputError("covariates drawn from the gate need a gaussian_density gate on " + std::to_string(d) + " covariates");
  }
  arma::mat x(n, d);
  for (arma::uword i = 0; i < n; ++i) {
    const arma::uword k = rng.Categorical(pi);
    arma::vec z(d);
    for (double& value : z) value = rng.Normal();
    const arma::vec draw = variance.n_elem ? arma::vec(mean.col(k) + arma::sqrt(variance.col(k)) % z)
                                           : arma::vec(mean.col(k) + factors[k] * z);
    x.row(i) = draw.t();
  }
  return x;
}

/** Observer of one replicate's EM: polls the user's observer from the master thread only. */
class ReplicateObserver : public Observer {
 public:
  ReplicateObserver(Observer& user, std::atomic<bool>& stop, bool master, const std::function<void()>& onMaster)
      : user_(user), stop_(stop), master_(master), onMaster_(onMaster) {}
  bool ShouldStop() override {
    if (master_) {
      onMaster_();
      if (user_.ShouldStop()) stop_ = true;
    }
    return stop_;
  }

 private:
  Observer& user_;
  std::atomic<bool>& stop_;
  bool master_;
  const std::function<void()>& onMaster_;
};

struct Task {
  arma::uword n, K;
  int replicate;
};

/** Fits one replicate and returns its CSV row. */
std::string RunTask(const RatesTruth& sharedTruth, const StudyOptions& options, const MixingAtoms& trueAtoms,
                    const Task& task, Observer& observer, bool& interrupted) {
  // A Model keeps scratch buffers (and a softmax gate its last weights): one copy per task and thread.
  const RatesTruth truth = sharedTruth;
  const std::uint64_t dataSeed = Rng::DeriveSeed(Rng::DeriveSeed(options.seed, task.n), static_cast<std::uint64_t>(task.replicate));
  Rng dataRng(dataSeed);
  const arma::mat x = StudyCovariates(truth, task.n, dataRng);
  const Designs designs = MakeDesigns(truth, x);
  const arma::mat ignored(task.n, 1, arma::fill::zeros);
  const arma::mat y = Simulate(truth.model, Data(ignored, designs.expert, designs.gate), dataRng).y;
  const Data data(y, designs.expert, designs.gate);

  EmOptions em;
  em.tolerance = options.tolerance;
  em.maxIterations = options.oneStep ? 1 : options.maxIterations;
  const std::uint64_t startSeed = Rng::DeriveSeed(dataSeed, task.K);
  FitResult fit;
  if (options.start == StartProtocol::NearTrue) {
    Rng startRng(startSeed);
    const Model start = NearTrueStart(truth, task.K, task.n, options.noise, startRng);
    arma::mat r;
    start.EStep(data, r);
    fit = RunEm(start, data, std::move(r), em, observer);
  } else {
    FitOptions fitOptions;
    fitOptions.em = em;
    fitOptions.starts = options.randomStarts;
    fitOptions.seed = startSeed;
    fitOptions.standardErrors = false;
    fitOptions.diagnostics = false;
    fit = Fit(Prototype(truth, task.K), data, fitOptions, observer);
  }
  interrupted = fit.stats.status == FitStatus::Interrupted;
  if (interrupted) return "";

  const MixingAtoms fitted = AtomsOf(fit.model);
  const VoronoiLoss d1 = ComputeVoronoiLoss(trueAtoms, fitted, VoronoiKind::Exact, options.exponents);
  double d2 = arma::datum::nan;
  try {
    d2 = ComputeVoronoiLoss(trueAtoms, fitted, VoronoiKind::OverFitted, options.exponents).total;
  } catch (const InputError&) {
    // A cell too large for the exponent table: D2 is missing (NA) for this fit.
  }
  std::string status = StatusName(fit.stats.status);
  if (options.oneStep && fit.stats.status == FitStatus::MaxIterations) status = "one_step";
  std::string row = std::to_string(task.n) + "," + std::to_string(task.K) + "," + std::to_string(task.replicate) +
                    "," + status + "," + std::to_string(fit.stats.iterations) + "," + Number(fit.stats.logLikelihood) +
                    "," + Number(d1.total) + "," + Number(d2) + "," + Number(d1.weight);
  for (const LossPart& part : d1.parts) row += "," + Number(part.value);
  if (!truth.gateCovariates) {
    const arma::uword cell = task.K - trueAtoms.K() + 1;
    row += "," + Number(WassersteinDistance(trueAtoms, fitted, 1.0));
    row += "," + (cell <= 3 ? Number(WassersteinDistance(trueAtoms, fitted, VoronoiExponent(cell))) : std::string("NA"));
  }
  return row;
}

std::vector<Task> AllTasks(const StudyOptions& options) {
  std::vector<Task> tasks;
  for (arma::uword n : options.sizes) {
    for (arma::uword K : options.fittedK) {
      for (int r = 1; r <= options.replicates; ++r) tasks.push_back({n, K, r});
    }
  }
  return tasks;
}

/** The finished rows of an existing study file, by key; InputError when its columns differ. */
std::map<Key, std::string> ReadFinishedRows(const std::string& path, const std::string& header) {
  std::map<Key, std::string> rows;
  std::ifstream in(path);
  if (!in) return rows;  // nothing to resume
  std::string line;
  if (!std::getline(in, line)) return rows;
  if (line != header) {
    throw InputError("--resume: '" + path + "' has other columns than this study (another preset or truth?); "
                     "remove it or write to another file");
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string n, K, r;
    std::getline(fields, n, ',');
    std::getline(fields, K, ',');
    std::getline(fields, r, ',');
    try {
      rows[Key(std::stoul(n), std::stoul(K), std::stoi(r))] = line;
    } catch (const std::exception&) {
      throw InputError("--resume: '" + path + "' has a row that does not start with n, K, replicate: " + line);
    }
  }
  return rows;
}

void CheckOptions(const RatesTruth& truth, const StudyOptions& options) {
  if (options.sizes.empty()) throw InputError("the study needs at least one sample size");
  if (options.fittedK.empty()) throw InputError("the study needs at least one fitted K");
  if (options.replicates < 1) throw InputError("replicates must be at least 1");
  for (arma::uword n : options.sizes) {
    if (n < 10) throw InputError("sample size " + std::to_string(n) + " is too small (at least 10)");
  }
  for (arma::uword K : options.fittedK) {
    if (K < truth.model.K()) {
      throw InputError("fitted K = " + std::to_string(K) + " is below the true K* = " + std::to_string(truth.model.K()) +
                       ": the losses compare over- or exact-fitted models only");
    }
  }
}

}  // namespace

std::string StudyTable::Csv() const {
  std::string out;
  for (std::size_t j = 0; j < columns.size(); ++j) out += (j ? "," : "") + columns[j];
  out += '\n';
  for (const std::string& row : rows) out += row + '\n';
  return out;
}

std::vector<std::string> StudyColumns(const RatesTruth& truth) {
  std::vector<std::string> columns = {"n", "K", "replicate", "status", "iterations", "log_likelihood", "D1", "D2", "weight"};
  for (const std::string& part : AtomsOf(truth.model).PartNames()) columns.push_back(part);
  if (!truth.gateCovariates) {
    columns.push_back("W1");
    columns.push_back("Wrbar");
  }
  return columns;
}

arma::mat StudyCovariates(const RatesTruth& truth, arma::uword n, Rng& rng) {
  arma::mat x(n, truth.dimension);
  switch (truth.covariates) {
    case CovariateKind::Grid:
      x.each_col() = arma::linspace(0.0, 1.0, n);
      break;
    case CovariateKind::Uniform:
      for (double& value : x) value = rng.Uniform();
      break;
    case CovariateKind::GateMixture:
      x = GateMixtureCovariates(truth.model.gate(), n, truth.dimension, rng);
      break;
  }
  return x;
}

Model NearTrueStart(const RatesTruth& truth, arma::uword K, arma::uword n, const NearTrueNoise& noise, Rng& rng) {
  const arma::uword Kt = truth.model.K();
  if (K < Kt) throw InputError("a near-true start needs K >= K* (every true atom used)");
  // Every true atom once, in random order, then random true atoms for the extra ones.
  arma::uvec assign(K);
  arma::uvec order = arma::regspace<arma::uvec>(0, Kt - 1);
  for (arma::uword i = Kt; i-- > 1;) std::swap(order[i], order[rng.Index(i + 1)]);
  for (arma::uword i = 0; i < K; ++i) assign[i] = i < Kt ? order[i] : rng.Index(Kt);
  const double scale = std::pow(static_cast<double>(n), noise.exponent);
  const double varianceSd = noise.varianceSd * std::pow(static_cast<double>(n), noise.varianceExponent);
  Model start = Prototype(truth, K);
  start.gate().SetBlocks(NearTrueGateBlocks(truth.model.gate(), assign, noise.gateSd * scale, varianceSd,
                                            noise.absoluteVariance, rng));
  for (arma::uword i = 0; i < K; ++i) {
    start.expert(i).SetBlocks(NearTrueExpertBlocks(truth.model.expert(assign[i]), noise.expertSd * scale, varianceSd,
                                                   noise.absoluteVariance, rng));
  }
  return start;
}

StudyTable RunRatesStudy(const RatesTruth& truth, const StudyOptions& options, Observer& observer) {
  const OneBlasThread blas;  // moest's threads are the parallel ones (moest/blas_threads.hpp)
  CheckOptions(truth, options);
  const MixingAtoms trueAtoms = AtomsOf(truth.model);
  StudyTable table;
  table.columns = StudyColumns(truth);
  const std::string header = StudyTable{table.columns, {}, 0, false}.Csv();
  std::map<Key, std::string> finished;
  if (options.resume && !options.outputPath.empty()) {
    finished = ReadFinishedRows(options.outputPath, header.substr(0, header.size() - 1));
  }
  const std::vector<Task> tasks = AllTasks(options);
  std::vector<std::size_t> pending;
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    if (!finished.count(Key(tasks[t].n, tasks[t].K, tasks[t].replicate))) pending.push_back(t);
  }
  // Largest replicates first: a thread that finishes early then picks up small ones, instead of the
  // team waiting at the end for the last n = max replicate (the results are stored by task, so the
  // table's order does not change).
  std::stable_sort(pending.begin(), pending.end(), [&](std::size_t a, std::size_t b) {
    return tasks[a].n * tasks[a].K > tasks[b].n * tasks[b].K;
  });
  std::vector<std::string> results(tasks.size());
  std::vector<char> done(tasks.size(), 0);
  for (std::size_t t = 0; t < tasks.size(); ++t) {
    auto found = finished.find(Key(tasks[t].n, tasks[t].K, tasks[t].replicate));
    if (found != finished.end()) {
      results[t] = found->second;
      done[t] = 1;
      ++table.resumed;
    }
  }

  // The rows finished so far, in task order: the same file whatever the thread count.
  auto collect = [&]() {
    std::vector<std::string> rows;
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      if (done[t]) rows.push_back(results[t]);
    }
    return rows;
  };
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> completed{0};
  std::size_t reported = static_cast<std::size_t>(-1);
  auto lastCheckpoint = std::chrono::steady_clock::now();
  const std::function<void()> onMaster = [&]() {
    // At most about a hundred progress reports, and always the last.
    const std::size_t now = completed.load();
    if (reported == static_cast<std::size_t>(-1) || (now * 100 / std::max<std::size_t>(pending.size(), 1)) !=
                                                        (reported * 100 / std::max<std::size_t>(pending.size(), 1))) {
      observer.OnProgress("replicates", now, pending.size());
      reported = now;
    }
    if (!options.outputPath.empty() &&
        std::chrono::steady_clock::now() - lastCheckpoint > std::chrono::seconds(30)) {
      std::vector<std::string> rows;
#pragma omp critical(moest_rates_results)
      rows = collect();
      WriteFileAtomically(options.outputPath, StudyTable{table.columns, rows, 0, false}.Csv());
      lastCheckpoint = std::chrono::steady_clock::now();
    }
  };
  onMaster();

  std::string failure;
  auto runOne = [&](long p) {
    if (stop) return;
#ifdef _OPENMP
    const bool master = omp_get_thread_num() == 0;
#else
    const bool master = true;
#endif
    const std::size_t t = pending[static_cast<std::size_t>(p)];
    ReplicateObserver replicateObserver(observer, stop, master, onMaster);
    try {
      bool interrupted = false;
      std::string row = RunTask(truth, options, trueAtoms, tasks[t], replicateObserver, interrupted);
      if (!interrupted) {
#pragma omp critical(moest_rates_results)
        {
          results[t] = std::move(row);
          done[t] = 1;
        }
        ++completed;
      }
      if (master) replicateObserver.ShouldStop();
    } catch (const std::exception& e) {
#pragma omp critical(moest_rates_failure)
      if (failure.empty()) failure = e.what();
      stop = true;
    }
  };
  const long count = static_cast<long>(pending.size());
#ifdef _OPENMP
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
#else
  const int threads = 1;
#endif
  if (threads > 1) {
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long p = 0; p < count; ++p) runOne(p);
  } else {
    // No parallel region at all: Armadillo's own OpenMP loops then behave as in a plain fit (inside an
    // inactive one-thread region they would open a nested team that spins on a busy machine).
    for (long p = 0; p < count; ++p) runOne(p);
  }
  if (!failure.empty()) throw InputError(failure);
  if (completed.load() != reported) observer.OnProgress("replicates", completed.load(), pending.size());
  table.rows = collect();
  table.interrupted = stop.load();
  if (!options.outputPath.empty()) WriteFileAtomically(options.outputPath, table.Csv());
  return table;
}

}  // namespace moest
