#include "moest/status.hpp"

#include <array>
#include <utility>

#include "moest/errors.hpp"

namespace moest {

namespace {
const std::array<std::pair<FitStatus, const char*>, 5> kNames = {{
    {FitStatus::Converged, "converged"},
    {FitStatus::MaxIterations, "max_iterations"},
    {FitStatus::Degenerate, "degenerate"},
    {FitStatus::NonFinite, "non_finite"},
    {FitStatus::Interrupted, "interrupted"},
}};
}  // namespace

std::string StatusName(FitStatus status) {
  for (const auto& entry : kNames) {
    if (entry.first == status) return entry.second;
  }
  return "unknown";
}

FitStatus StatusFromName(const std::string& name) {
  for (const auto& entry : kNames) {
    if (name == entry.second) return entry.first;
  }
  throw InputError("unknown fit status '" + name + "'");
}

}  // namespace moest
