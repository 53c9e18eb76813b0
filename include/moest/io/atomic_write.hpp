// Output files are written to a temporary name beside the target and renamed, so an interrupted run
// never leaves a half-written file.
#pragma once

#include <string>

namespace moest {

/** Write `content` to `path` atomically; InputError naming the path when it cannot be written. */
void WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace moest
