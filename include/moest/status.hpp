// How a fit ended. Fits return a status, not an exception.
#pragma once

#include <string>

namespace moest {

enum class FitStatus {
  Converged,      // the stopping rule held
  MaxIterations,  // the iteration cap was reached first
  Degenerate,     // a component collapsed, its design became singular, or a variance hit its floor
  NonFinite,      // the log-likelihood or a parameter became NaN or infinite
  Interrupted     // the observer asked to stop
};

/** Lower-case name used in model files and output ("converged", "max_iterations", ...). */
std::string StatusName(FitStatus status);
/** Inverse of StatusName; throws InputError for an unknown name. */
FitStatus StatusFromName(const std::string& name);

}  // namespace moest
