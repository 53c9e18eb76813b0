// The R front end's Observer: progress through Rcpp::Rcout when asked for, notes kept for R to show
// as messages, and user interrupts polled without letting R's longjmp cross C++ frames.
#pragma once

#include <string>
#include <vector>

#include "moest/moest.hpp"

namespace moest_r {

class RObserver : public moest::Observer {
 public:
  /** With `verbose`, every finished start prints one line. */
  explicit RObserver(bool verbose) : verbose_(verbose) {}

  void OnIteration(int start, const moest::TraceRow& row) override;
  void OnProgress(const std::string& what, std::size_t done, std::size_t total) override;
  void OnMessage(const std::string& message) override;
  /** True once the user has pressed Ctrl-C (or Esc); it stays true for the rest of the fit. */
  bool ShouldStop() override;

  bool Interrupted() const { return interrupted_; }
  /** The notes the core sent, for R to pass on with message(). */
  const std::vector<std::string>& Messages() const { return messages_; }

 private:
  bool verbose_;
  bool interrupted_ = false;
  moest::TraceRow last_;
  std::vector<std::string> messages_;
};

}  // namespace moest_r
