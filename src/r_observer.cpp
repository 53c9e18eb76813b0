#include "r_observer.h"

#include <Rinternals.h>

namespace moest_r {

namespace {

// Runs inside R_ToplevelExec: a pending interrupt jumps back to that top level, never through our
// C++ frames, and R_ToplevelExec then returns FALSE.
void CheckInterrupt(void* /*unused*/) { R_CheckUserInterrupt(); }

}  // namespace

void RObserver::OnIteration(int /*start*/, const moest::TraceRow& row) { last_ = row; }

void RObserver::OnProgress(const std::string& what, std::size_t done, std::size_t total) {
  if (!verbose_) return;
  Rcpp::Rcout << "moe: " << what << " " << done << "/" << total << " done; the last ended at log-likelihood "
              << last_.logLikelihood << " after " << last_.iteration << " iterations" << std::endl;
}

void RObserver::OnMessage(const std::string& message) {
  messages_.push_back(message);
  if (verbose_) Rcpp::Rcout << "moe: " << message << std::endl;
}

bool RObserver::ShouldStop() {
  if (!interrupted_) interrupted_ = R_ToplevelExec(CheckInterrupt, nullptr) == FALSE;
  return interrupted_;
}

}  // namespace moest_r
