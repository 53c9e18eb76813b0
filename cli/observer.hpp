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
   * @param options the EM options of the fit, to tell in a progress line how a start ended.
   * @param quiet print nothing (the trace is still recorded).
   * @param recordTrace keep every iteration of every start for Trace().
   */
  CliObserver(const EmOptions& options, bool quiet, bool recordTrace);

  void OnIteration(int start, const TraceRow& row) override;
  /** For "starts": "start 3/10: log-likelihood -123.4, converged after 40 iterations". */
  void OnProgress(const std::string& what, std::size_t done, std::size_t total) override;
  void OnMessage(const std::string& message) override;
  /** True once Ctrl-C has been pressed (see interrupt.hpp). */
  bool ShouldStop() override;

  /** Every iteration seen, in order (empty unless recordTrace). */
  const std::vector<StartTraceRow>& Trace() const { return trace_; }
  /** The recorded trace as CSV: start (1-based), iteration, log_likelihood, relative_change, seconds, decrease. */
  std::string TraceCsv() const;

 private:
  /** How the start whose last iteration is lastRow_ ended, in words. */
  std::string DescribeEnding() const;

  EmOptions options_;
  bool quiet_;
  bool recordTrace_;
  TraceRow lastRow_;
  std::vector<StartTraceRow> trace_;
};

}  // namespace moest::cli
