// The versioned JSON model file shared by the CLI and R.
#pragma once

#include <string>

#include "moest/io/model_file.hpp"

namespace moest {

/** The model file as JSON text (pretty-printed). */
std::string ModelToJson(const ModelFile& file);
/** Parse JSON text; InputError naming `source` for invalid JSON, a missing field or a newer version. */
ModelFile ModelFromJson(const std::string& text, const std::string& source);
/** Read and parse a model file. */
ModelFile ReadModelFile(const std::string& path);
/** Write a model file atomically (temporary name, then rename). */
void WriteModelFile(const ModelFile& file, const std::string& path);

}  // namespace moest
