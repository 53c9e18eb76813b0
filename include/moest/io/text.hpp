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

/**
 * A column name as a formula writes it: bare when it reads back as that name, in backquotes when it
 * holds symbols, spaces or commas, or is "0", "1" or ".".
 */
inline std::string FormulaName(const std::string& name) {
  const bool plain = name.find_first_of(" \t\r+-|~`()*:^/,") == std::string::npos && name != "0" && name != "1" &&
                     name != ".";
  return plain ? name : "`" + name + "`";
}

}  // namespace moest
