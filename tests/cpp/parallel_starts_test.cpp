// Starts on several threads: the same fit, trace and observer calls as on one thread.
#include <gtest/gtest.h>

#include "moest/model/packing.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

/** Records every observer call as text, and may ask to stop after a number of polls. */
class TranscriptObserver : public Observer {
 public:
  explicit TranscriptObserver(int stopAfterPolls = -1) : stopAfterPolls_(stopAfterPolls) {}
  void OnIteration(int start, const TraceRow& row) override {
    calls.push_back("iteration " + std::to_string(start) + " " + std::to_string(row.iteration) + " " +
                    std::to_string(row.logLikelihood));
  }
  void OnStartFinished(int start, const FitStatistics& stats) override {
    calls.push_back("finished " + std::to_string(start) + " " + std::to_string(stats.logLikelihood));
  }
  void OnProgress(const std::string& what, std::size_t done, std::size_t total) override {
    calls.push_back(what + " " + std::to_string(done) + "/" + std::to_string(total));
  }
  bool ShouldStop() override { return stopAfterPolls_ >= 0 && ++polls_ > stopAfterPolls_; }
  std::vector<std::string> calls;

 private:
  int stopAfterPolls_;
  int polls_ = 0;
};

FitResult FitWithThreads(const Model& truth, const Data& data, int threads, TranscriptObserver& observer,
                         SolverKind solver = SolverKind::Em) {
  FitOptions options;
  options.seed = 11;
  options.starts = 5;
  options.threads = threads;
  options.solver = solver;
  return Fit(truth, data, options, observer);
}

void ExpectSameFit(const FitResult& a, const FitResult& b) {
  EXPECT_EQ(a.stats.logLikelihood, b.stats.logLikelihood);
  EXPECT_EQ(a.stats.bestStart, b.stats.bestStart);
  EXPECT_EQ(a.stats.startLogLikelihoods, b.stats.startLogLikelihoods);
  EXPECT_TRUE(arma::all(PackModel(a.model) == PackModel(b.model)));
  ASSERT_EQ(a.stats.trace.size(), b.stats.trace.size());
  for (std::size_t t = 0; t < a.stats.trace.size(); ++t) {
    EXPECT_EQ(a.stats.trace[t].logLikelihood, b.stats.trace[t].logLikelihood) << "row " << t;
  }
  EXPECT_TRUE(arma::all(arma::vectorise(a.stats.standardErrors.vcov == b.stats.standardErrors.vcov)));
}

TEST(ParallelStarts, OneAndTwoThreadsGiveTheSameFitTraceAndObserverCalls) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}, {0.3, -2.0}},
                                      {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}, {{0.0, -1.0, 0.6}}});
  const auto sim = SimulateLinear(truth, 800, 31);
  for (SolverKind solver : {SolverKind::Em, SolverKind::Mle}) {
    TranscriptObserver one, two, all;
    const FitResult a = FitWithThreads(truth, sim.View(), 1, one, solver);
    const FitResult b = FitWithThreads(truth, sim.View(), 2, two, solver);
    const FitResult c = FitWithThreads(truth, sim.View(), 0, all, solver);
    ExpectSameFit(a, b);
    ExpectSameFit(a, c);
    EXPECT_EQ(one.calls, two.calls);
    EXPECT_EQ(one.calls, all.calls);
    EXPECT_EQ(two.calls.back(), "starts 5/5");
  }
}

TEST(ParallelStarts, AStopOnTheCallingThreadEndsEveryThreadPromptly) {
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}});
  const auto sim = SimulateLinear(truth, 2000, 32);
  TranscriptObserver stopper(3);
  FitOptions options;
  options.starts = 64;  // far more than the other thread can finish before the calling thread polls
  options.threads = 2;
  options.em.tolerance = 1e-14;  // long runs: a start that ignored the stop would take its whole cap
  const FitResult fit = Fit(truth, sim.View(), options, stopper);
  EXPECT_EQ(fit.stats.status, FitStatus::Interrupted);
  EXPECT_LT(fit.stats.startLogLikelihoods.size(), 64u);  // starts not yet begun were never begun
}

TEST(ParallelStarts, ResolvesThreads) {
  EXPECT_EQ(ResolveThreads(3), 3);
  EXPECT_GE(ResolveThreads(0), 1);
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}});
  const auto sim = SimulateLinear(truth, 200, 33);
  FitOptions options;
  options.threads = -1;
  SilentObserver silent;
  EXPECT_NE(test::ErrorOf([&] { Fit(truth, sim.View(), options, silent); }).find("threads"), std::string::npos);
}

TEST(ParallelStarts, ATaskErrorIsRethrownOnTheCallingThread) {
  SilentObserver silent;
  const StartTask task = [](int s, Observer&) -> FitResult {
    if (s == 2) throw InputError("start 3 failed");
    return FitResult();
  };
  EXPECT_EQ(test::ErrorOf([&] { RunStartsInParallel(4, 2, task, silent); }), "start 3 failed");
}

}  // namespace
}  // namespace moest
