// A model file summarised as text, in the manner of summary.lm.
#pragma once

#include <string>

#include "moest/io/model_file.hpp"

namespace moest {

std::string SummaryText(const ModelFile& file);

}  // namespace moest
