#include "observer.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

#include "common.hpp"
#include "interrupt.hpp"

namespace moest::cli {

namespace {

std::string Iterations(int count) {
  return std::to_string(count) + (count == 1 ? " iteration" : " iterations");
}

}  // namespace

CliObserver::CliObserver(const EmOptions& options, bool quiet, bool recordTrace)
    : options_(options), quiet_(quiet), recordTrace_(recordTrace) {}

void CliObserver::OnIteration(int start, const TraceRow& row) {
  lastRow_ = row;
  if (recordTrace_) trace_.push_back({start, row});
}

// The observer is told only the last trace row of a start, not its status, so the ending is
// reconstructed from the stopping rules; the status of the kept start is reported by the fit itself.
std::string CliObserver::DescribeEnding() const {
  const int n = lastRow_.iteration;
  if (InterruptRequested()) return "interrupted after " + Iterations(n);
  if (!std::isfinite(lastRow_.logLikelihood)) return "non-finite after " + Iterations(n);
  if (n > 1 && std::abs(lastRow_.relativeChange) < options_.tolerance) return "converged after " + Iterations(n);
  if (n >= options_.maxIterations) return "stopped at the cap of " + Iterations(n);
  return "stopped after " + Iterations(n) + " (degenerate)";
}

void CliObserver::OnProgress(const std::string& what, std::size_t done, std::size_t total) {
  if (quiet_) return;
  if (what != "starts") {
    std::cerr << what << " " << done << "/" << total << std::endl;
    return;
  }
  char logLikelihood[32];
  std::snprintf(logLikelihood, sizeof logLikelihood, "%.10g", lastRow_.logLikelihood);
  std::cerr << "start " << done << "/" << total << ": log-likelihood " << logLikelihood << ", "
            << DescribeEnding() << std::endl;
}

void CliObserver::OnMessage(const std::string& message) {
  if (!quiet_) PrintNote(message);
}

bool CliObserver::ShouldStop() { return InterruptRequested(); }

std::string CliObserver::TraceCsv() const {
  arma::mat values(trace_.size(), 6);
  for (std::size_t i = 0; i < trace_.size(); ++i) {
    const TraceRow& row = trace_[i].row;
    values.row(i) = arma::rowvec{static_cast<double>(trace_[i].start + 1), static_cast<double>(row.iteration),
                                 row.logLikelihood, row.relativeChange, row.seconds, row.decrease ? 1.0 : 0.0};
  }
  return FormatCsv({"start", "iteration", "log_likelihood", "relative_change", "seconds", "decrease"}, values);
}

}  // namespace moest::cli
