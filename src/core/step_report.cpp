#include "moest/solver/step_report.hpp"

namespace moest {

void StepReport::Merge(const StepReport& other) {
  varianceFloorBound = varianceFloorBound || other.varianceFloorBound;
  innerCapHit = innerCapHit || other.innerCapHit;
  singular = singular || other.singular;
  separated = separated || other.separated;
  if (!other.note.empty()) note = note.empty() ? other.note : note + "; " + other.note;
}

}  // namespace moest
