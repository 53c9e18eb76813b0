// Small text helpers shared by the parsers (CSV, formulas, component specs).
#pragma once

#include <string>

namespace moest {

/** `s` without leading and trailing characters from `blanks`. */
inline std::string Trim(const std::string& s, const char* blanks = " \t\r") {
  const auto begin = s.find_first_not_of(blanks);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(blanks) - begin + 1);
}

}  // namespace moest
