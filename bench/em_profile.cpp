// Where the time of a softmax-gated Gaussian MoE fit goes, and how an EM iteration scales with n.
//
// For each n: simulate K = 3 experts on p covariates (experts and gate on [1, x_1..x_p]), then time
//   floor      one pass that only evaluates the K expert log-densities and the gate for all rows
//              (Model::LogJoint): the practical lower bound of an E-step;
//   iteration  one EM iteration (E-step + M-steps), the median over iterations 2..I of RunEm started
//              from the truth's responsibilities (the first iteration pays the buffers' first touch);
//   fit        Fit() from one start partition, to convergence, with and without the standard errors
//              and convergence diagnostics, so their cost shows.
// Times are CPU seconds of this (single-threaded) process, so other load on the machine inflates them
// less than wall time; wall times are printed beside them. Usage (from the build directory):
//   OPENBLAS_NUM_THREADS=1 ./bench_em_profile [p] [n ...]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "moest/column_view.hpp"
#include "moest/expert/gaussian.hpp"
#include "moest/moest.hpp"
#include "moest/solver/em.hpp"

namespace {

struct Clocks {
  double cpu = 0.0, wall = 0.0;
};

Clocks Now() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  Clocks c;
  c.cpu = ts.tv_sec + 1e-9 * ts.tv_nsec;
  c.wall = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return c;
}

Clocks Since(const Clocks& start) {
  const Clocks now = Now();
  return {now.cpu - start.cpu, now.wall - start.wall};
}

// K = 3: gate logits (0, 0.5 + 3 x1, -0.5 - 3 x1); experts 2 + x1, -2 + 2 x1, -3 x1 plus
// 0.5, 0.75, ... times x2..xp, sd 0.3, 0.4, 0.25.
moest::Model Truth(arma::uword p) {
  const arma::uword K = 3, cols = p + 1;
  moest::Model model = moest::Model::Make("gaussian", "softmax", cols, cols, K);
  arma::mat w(cols, K, arma::fill::zeros);
  w(0, 1) = 0.5;
  w(1, 1) = 3.0;
  w(0, 2) = -0.5;
  w(1, 2) = -3.0;
  model.gate().SetBlocks({{"coefficients", w}});
  const double intercept[] = {2.0, -2.0, 0.0}, slope[] = {1.0, 2.0, -3.0}, sd[] = {0.3, 0.4, 0.25};
  for (arma::uword k = 0; k < K; ++k) {
    arma::vec beta(cols);
    beta[0] = intercept[k];
    beta[1] = slope[k];
    for (arma::uword j = 2; j < cols; ++j) beta[j] = 0.25 * (j + 0.0);
    model.expert(k).SetBlocks({{"coefficients", arma::mat(beta)}, {"sigma", arma::mat(1, 1, arma::fill::value(sd[k]))}});
  }
  return model;
}

}  // namespace

int main(int argc, char** argv) {
  const arma::uword p = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1;
  std::vector<double> sizes;
  for (int a = 2; a < argc; ++a) sizes.push_back(std::atof(argv[a]));
  if (sizes.empty()) sizes = {1e4, 1e5, 1e6};
  const moest::Model truth = Truth(p);
  std::printf("p = %llu covariates, K = 3; seconds are CPU (wall in parentheses)\n",
              static_cast<unsigned long long>(p));
  std::printf("%10s %12s %12s %8s %14s %14s %14s %6s\n", "n", "floor", "iteration", "ratio", "fit", "fit_no_se",
              "first_iter", "iters");
  struct Breakdown {
    double n, eStep, gate, experts, separate, startMStep;
  };
  std::vector<Breakdown> breakdown;
  for (double nd : sizes) {
    const auto n = static_cast<arma::uword>(nd);
    moest::Rng rng(1);
    arma::mat x(n, p + 1);
    x.col(0).ones();
    for (arma::uword j = 1; j <= p; ++j)
      for (arma::uword i = 0; i < n; ++i) x(i, j) = -1.0 + 2.0 * rng.Uniform();
    arma::mat y(n, 1, arma::fill::zeros);
    y = moest::Simulate(truth, moest::Data(y, x, x), rng).y;
    const moest::Data data(y, x, x);

    arma::mat logJoint(n, 3);
    truth.LogJoint(data, logJoint);  // touch the buffer once
    std::vector<double> floors;
    for (int rep = 0; rep < 7; ++rep) {
      const Clocks t0 = Now();
      truth.LogJoint(data, logJoint);
      floors.push_back(Since(t0).cpu);
    }
    std::sort(floors.begin(), floors.end());

    arma::mat start;
    truth.LogLikelihood(data, &start);
    moest::EmOptions em;
    em.tolerance = 1e-300;  // run the cap: every iteration is timed
    em.maxIterations = 21;
    moest::SilentObserver silent;
    const Clocks t1 = Now();
    const moest::FitResult run = moest::RunEm(truth, data, start, em, silent);
    const Clocks emTotal = Since(t1);
    std::vector<double> walls;
    for (std::size_t i = 1; i < run.stats.trace.size(); ++i) walls.push_back(run.stats.trace[i].seconds);
    std::sort(walls.begin(), walls.end());
    const double wallIteration = walls[walls.size() / 2];
    // CPU per iteration: total CPU scaled by the wall share of the steady iterations.
    double wallSum = 0.0;
    for (const auto& row : run.stats.trace) wallSum += row.seconds;
    const double cpuIteration = emTotal.cpu * wallIteration / std::max(wallSum, 1e-12);

    // Where one iteration goes: the E-step, the gate's M-step and the experts' M-steps, each the
    // median of 7 repetitions at the truth's responsibilities; and the first M-step of a start (from
    // the hard partition, with the gate at zero), which is where a start's first iteration goes.
    moest::Model work = truth;
    arma::mat r;
    std::vector<double> eSteps, gateSteps, expertSteps, separateSteps, startSteps;
    for (int rep = 0; rep < 7; ++rep) {
      Clocks t = Now();
      work.EStep(data, r);
      eSteps.push_back(Since(t).cpu);
      t = Now();
      work.gate().FitResponsibilities(data, r);
      gateSteps.push_back(Since(t).cpu);
      t = Now();
      std::vector<moest::StepReport> reports;
      moest::FitGaussianExpertsJointly(work, data, r, reports);  // as MStep does
      expertSteps.push_back(Since(t).cpu);
      t = Now();
      for (arma::uword k = 0; k < work.K(); ++k) work.expert(k).FitWeighted(data, moest::ColumnView(r, k));
      separateSteps.push_back(Since(t).cpu);
      moest::Model fresh = moest::Model::Make("gaussian", "softmax", p + 1, p + 1, 3);
      arma::mat hard(n, 3, arma::fill::zeros);
      const arma::uvec labels = arma::index_max(start, 1);
      for (arma::uword i = 0; i < n; ++i) hard(i, labels[i]) = 1.0;
      t = Now();
      moest::MStep(fresh, data, hard);
      startSteps.push_back(Since(t).cpu);
    }
    for (auto* v : {&eSteps, &gateSteps, &expertSteps, &separateSteps, &startSteps}) std::sort(v->begin(), v->end());
    breakdown.push_back({nd, eSteps[3] / floors[3], gateSteps[3] / floors[3], expertSteps[3] / floors[3],
                         separateSteps[3] / floors[3], startSteps[3]});

    moest::FitOptions options;
    options.starts = 1;
    options.threads = 1;
    options.initialPartition = arma::conv_to<arma::uvec>::from(arma::index_max(start, 1));
    const Clocks t2 = Now();
    const moest::FitResult full = moest::Fit(truth, data, options, silent);
    const Clocks fit = Since(t2);
    options.standardErrors = false;
    options.diagnostics = false;
    const Clocks t3 = Now();
    moest::Fit(truth, data, options, silent);
    const Clocks fitBare = Since(t3);
    std::printf("%10.0f %12.5f %12.5f %8.2f %7.3f(%5.3f) %7.3f(%5.3f) %14.5f %6d\n", nd, floors[3], cpuIteration,
                cpuIteration / floors[3], fit.cpu, fit.wall, fitBare.cpu, fitBare.wall, full.stats.trace[0].seconds,
                full.stats.iterations);
  }
  std::printf("\nOne iteration in floors (median of 7 at the truth's responsibilities), and the first M-step of a "
              "start (CPU s); experts as MStep fits them (one pass for all), and one at a time\n%10s %8s %8s %8s %10s %14s\n",
              "n", "E-step", "gate", "experts", "separate", "start M-step");
  for (const Breakdown& b : breakdown) {
    std::printf("%10.0f %8.2f %8.2f %8.2f %10.2f %14.5f\n", b.n, b.eStep, b.gate, b.experts, b.separate,
                b.startMStep);
  }
  return 0;
}
