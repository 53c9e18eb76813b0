// Injected into solvers: receives trace rows and progress, and may ask the solver to stop (R: a user
// interrupt; CLI: Ctrl-C). The core never prints.
#pragma once

#include <cstddef>
#include <string>

#include "moest/diagnostics/trace.hpp"

namespace moest {

struct FitStatistics;

class Observer {
 public:
  virtual ~Observer() = default;
  /** One EM iteration of start `start` has finished. */
  virtual void OnIteration(int /*start*/, const TraceRow& /*row*/) {}
  /** Start `start` (0-based) has ended with these statistics (its status, log-likelihood, ...). */
  virtual void OnStartFinished(int /*start*/, const FitStatistics& /*stats*/) {}
  /** `done` of `total` units of long work (starts, replicates) are finished. */
  virtual void OnProgress(const std::string& /*what*/, std::size_t /*done*/, std::size_t /*total*/) {}
  /** A plain-language note worth showing the user. */
  virtual void OnMessage(const std::string& /*message*/) {}
  /** Polled between iterations; returning true ends the fit with FitStatus::Interrupted. */
  virtual bool ShouldStop() { return false; }
};

/** An observer that ignores everything and never stops. */
class SilentObserver : public Observer {};

}  // namespace moest
