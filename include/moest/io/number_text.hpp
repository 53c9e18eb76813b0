// Numbers in messages and notes: one short printf format, no streams.
#pragma once

#include <cstdio>
#include <string>

namespace moest {

/** `value` printed with `format` ("%g" by default). */
inline std::string NumberText(double value, const char* format = "%g") {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

}  // namespace moest
