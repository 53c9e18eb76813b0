// The one registration point of expert families: a name to a new expert.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/expert/expert.hpp"
#include "moest/model/spec.hpp"

namespace moest {

/** A new expert from `spec` on `p` expert-design columns; InputError for an unknown family or option. */
std::unique_ptr<Expert> MakeExpert(const ComponentSpec& spec, arma::uword p);
/** The same from text such as "gaussian" or "t(nu = 4)" (see ParseSpec). */
std::unique_ptr<Expert> MakeExpert(const std::string& spec, arma::uword p);
/** The registered expert family names. */
std::vector<std::string> ExpertFamilies();

}  // namespace moest
