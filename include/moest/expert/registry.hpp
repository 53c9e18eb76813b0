// The one registration point of expert families: a name to a new expert.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/expert/expert.hpp"

namespace moest {

/** A new expert of family `family` on `p` expert-design columns; InputError for an unknown name. */
std::unique_ptr<Expert> MakeExpert(const std::string& family, arma::uword p);
/** The registered expert family names. */
std::vector<std::string> ExpertFamilies();

}  // namespace moest
