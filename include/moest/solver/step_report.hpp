// What an M-step has to say besides its new parameters.
#pragma once

#include <string>

namespace moest {

struct StepReport {
  bool varianceFloorBound = false;  // a variance was raised to its floor
  bool innerCapHit = false;         // an inner Newton/IRLS loop stopped at its iteration cap
  bool singular = false;            // a weighted design was singular: the component has collapsed
  bool separated = false;           // a categorical expert fits its classes perfectly: no finite MLE
  std::string note;                 // which component and why, for the user

  /** Combine the reports of several M-steps (flags OR-ed, notes joined). */
  void Merge(const StepReport& other);
};

}  // namespace moest
