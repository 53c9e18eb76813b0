#include "moest/solver/parallel_starts.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace moest {

namespace {

bool OnCallingThread() {
#ifdef _OPENMP
  return omp_get_thread_num() == 0;
#else
  return true;
#endif
}

/** Shared by every thread of one RunStartsInParallel call. */
class Coordinator {
 public:
  Coordinator(int count, Observer& observer)
      : count_(count), observer_(observer), outcomes_(count), rows_(count), errors_(count),
        finished_(new std::atomic<bool>[count]) {
    for (int s = 0; s < count; ++s) finished_[s].store(false);
  }

  /** Claims the next start, or returns -1 when none is left. */
  int Claim() {
    const int s = next_.fetch_add(1);
    return s < count_ ? s : -1;
  }
  bool StopRequested() const { return stop_.load(std::memory_order_acquire); }
  void Record(int s, const TraceRow& row) { rows_[s].push_back(row); }
  void Finish(int s, FitResult result, bool ran, std::exception_ptr error) {
    outcomes_[s].ran = ran;
    if (ran) outcomes_[s].result = std::move(result);
    errors_[s] = error;
    finished_[s].store(true, std::memory_order_release);
    done_.fetch_add(1, std::memory_order_acq_rel);
  }
  bool AllFinished() const { return done_.load(std::memory_order_acquire) == count_; }

  /** Calling thread only: poll the observer's stop request and replay every start ready for it. */
  void Pump() {
    if (!stop_.load(std::memory_order_relaxed) && observer_.ShouldStop()) stop_.store(true, std::memory_order_release);
    while (replayed_ < count_ && finished_[replayed_].load(std::memory_order_acquire)) {
      const int s = replayed_++;
      for (const TraceRow& row : rows_[s]) observer_.OnIteration(s, row);
      if (outcomes_[s].ran) observer_.OnStartFinished(s, outcomes_[s].result.stats);
      observer_.OnProgress("starts", static_cast<std::size_t>(s + 1), static_cast<std::size_t>(count_));
    }
  }

  std::vector<StartOutcome> Take() {
    for (const std::exception_ptr& error : errors_) {
      if (error) std::rethrow_exception(error);
    }
    return std::move(outcomes_);
  }

 private:
  int count_;
  Observer& observer_;
  std::vector<StartOutcome> outcomes_;
  std::vector<Trace> rows_;
  std::vector<std::exception_ptr> errors_;
  std::unique_ptr<std::atomic<bool>[]> finished_;
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<bool> stop_{false};
  int replayed_ = 0;  // calling thread only
};

/** The observer a start reports to: it records, and on the calling thread it also pumps. */
class RecordingObserver : public Observer {
 public:
  RecordingObserver(Coordinator& coordinator, int start) : coordinator_(coordinator), start_(start) {}
  void OnIteration(int /*start*/, const TraceRow& row) override { coordinator_.Record(start_, row); }
  bool ShouldStop() override {
    if (OnCallingThread()) coordinator_.Pump();
    return coordinator_.StopRequested();
  }

 private:
  Coordinator& coordinator_;
  int start_;
};

void RunClaimedStarts(Coordinator& coordinator, const StartTask& task) {
  for (int s = coordinator.Claim(); s >= 0; s = coordinator.Claim()) {
    if (coordinator.StopRequested()) {
      coordinator.Finish(s, FitResult(), false, nullptr);
      continue;
    }
    RecordingObserver recorder(coordinator, s);
    try {
      coordinator.Finish(s, task(s, recorder), true, nullptr);
    } catch (...) {
      coordinator.Finish(s, FitResult(), false, std::current_exception());
    }
  }
}

// One thread: the starts in turn on the calling thread, reporting live to the observer; an
// interrupted start ends the run.
std::vector<StartOutcome> RunStartsInTurn(int count, const StartTask& task, Observer& observer) {
  std::vector<StartOutcome> outcomes(count);
  for (int s = 0; s < count; ++s) {
    outcomes[s].result = task(s, observer);
    outcomes[s].ran = true;
    observer.OnStartFinished(s, outcomes[s].result.stats);
    observer.OnProgress("starts", static_cast<std::size_t>(s + 1), static_cast<std::size_t>(count));
    if (outcomes[s].result.stats.status == FitStatus::Interrupted) break;
  }
  return outcomes;
}

}  // namespace

int ResolveThreads(int threads) {
#ifdef _OPENMP
  if (threads <= 0) return std::max(1, omp_get_max_threads());
  return threads;
#else
  (void)threads;
  return 1;
#endif
}

std::vector<StartOutcome> RunStartsInParallel(int count, int threads, const StartTask& task, Observer& observer) {
  if (count <= 0) return {};
  const int team = std::min(ResolveThreads(threads), count);
  if (team == 1) return RunStartsInTurn(count, task, observer);
  Coordinator coordinator(count, observer);
#ifdef _OPENMP
#pragma omp parallel num_threads(team)
#endif
  {
    RunClaimedStarts(coordinator, task);
    if (OnCallingThread()) {
      // Out of starts: keep replaying and polling for a stop until the other threads are done.
      while (!coordinator.AllFinished()) {
        coordinator.Pump();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
  }
  coordinator.Pump();
  return coordinator.Take();
}

}  // namespace moest
