// The observer of `moest fit`: one progress line per finished start on stderr, Ctrl-C as a request
// to stop, and a record of every EM iteration of every start for --trace.
#pragma once

#include <string>
#include <vector>

#include "moest/moest.hpp"

namespace moest::cli {

/** One EM iteration of one start, as written to the --trace file. */
struct StartTraceRow {
  int start = 0;  // 0-based
  TraceRow row;
};

class CliObserver : public Observer {
 public:
  /**
   * @param starts the number of starts, for "start 3/10".
   * @param quiet print nothing (the trace is still recorded).
   * @param recordTrace keep every iteration of every start for Trace().
   */
  CliObserver(int starts, bool quiet, bool recordTrace);

  void OnIteration(int start, const TraceRow& row) override;
  /** Also print one line per EM iteration (streaming fits, whose iterations take seconds). */
  void PrintIterations(bool on) { printIterations_ = on; }
  /** "start 3/10: log-likelihood -123.4, converged after 40 iterations". */
  void OnStartFinished(int start, const FitStatistics& stats) override;
  /** Progress of other long work ("what done/total"); starts are reported by OnStartFinished. */
  void OnProgress(const std::string& what, std::size_t done, std::size_t total) override;
  void OnMessage(const std::string& message) override;
  /** True once Ctrl-C has been pressed (see interrupt.hpp). */
  bool ShouldStop() override;

  /** Every iteration seen, in order (empty unless recordTrace). */
  const std::vector<StartTraceRow>& Trace() const { return trace_; }
  /** The recorded trace as CSV: start (1-based), iteration, log_likelihood, relative_change, seconds, decrease. */
  std::string TraceCsv() const;

 private:
  int starts_;
  bool quiet_;
  bool recordTrace_;
  bool printIterations_ = false;
  std::vector<StartTraceRow> trace_;
};

}  // namespace moest::cli
