#include "observer.hpp"

#include <algorithm>
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

CliObserver::CliObserver(int starts, bool quiet, bool recordTrace)
    : starts_(starts), quiet_(quiet), recordTrace_(recordTrace) {}

void CliObserver::OnIteration(int start, const TraceRow& row) {
  if (recordTrace_) trace_.push_back({start, row});
  if (quiet_ || !printIterations_) return;
  char line[160];
  std::snprintf(line, sizeof line, "iteration %d: log-likelihood %.10g, relative change %.3g, %.2f s", row.iteration,
                row.logLikelihood, row.relativeChange, row.seconds);
  std::cerr << line << std::endl;
}

void CliObserver::OnStartFinished(int start, const FitStatistics& stats) {
  if (quiet_) return;
  char logLikelihood[32];
  std::snprintf(logLikelihood, sizeof logLikelihood, "%.10g", stats.logLikelihood);
  std::string ending = StatusName(stats.status);
  std::replace(ending.begin(), ending.end(), '_', ' ');
  std::cerr << "start " << start + 1 << "/" << starts_ << ": log-likelihood " << logLikelihood << ", " << ending
            << " after " << Iterations(stats.iterations) << std::endl;
}

void CliObserver::OnProgress(const std::string& what, std::size_t done, std::size_t total) {
  if (quiet_ || what == "starts") return;
  std::cerr << what << " " << done << "/" << total << std::endl;
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
