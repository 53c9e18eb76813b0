// Run the starts of a fit on several threads (OpenMP) while every Observer call stays on the calling
// thread: each start records what it would tell the observer, and the calling thread replays the
// records in start order, so the observer sees exactly what a one-thread run shows it.
#pragma once

#include <functional>
#include <vector>

#include "moest/observer.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/** One start: runs start `s`, reporting to `observer` (a recorder; never the caller's observer). */
using StartTask = std::function<FitResult(int s, Observer& observer)>;

/** What a start left behind. */
struct StartOutcome {
  bool ran = false;   // false: never begun, because a stop was asked for first
  FitResult result;   // valid when ran
};

/** The number of threads `threads` asks for: 0 means every core OpenMP sees; at least 1. */
int ResolveThreads(int threads);

/**
 * Run task(s) for s = 0..count-1 on ResolveThreads(threads) threads. For each start, in start order,
 * `observer` receives its OnIteration rows, OnStartFinished and OnProgress("starts", s + 1, count),
 * all from the calling thread, replayed as soon as every earlier start has finished. The calling
 * thread polls observer.ShouldStop(); once it is true no start begins and running starts are asked to
 * stop. An exception thrown by a task is rethrown (the first in start order) after all have ended.
 */
std::vector<StartOutcome> RunStartsInParallel(int count, int threads, const StartTask& task, Observer& observer);

}  // namespace moest
