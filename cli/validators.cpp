#include "validators.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "moest/errors.hpp"
#include "moest/model/spec.hpp"

namespace moest::cli {

CLI::Validator WholeNumberAtLeast(long long minimum) {
  const std::string bound = std::to_string(minimum);
  return CLI::Validator(
      [minimum, bound](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const long long value = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || end == text.c_str() || *end != '\0') {
          return "expected a whole number, got '" + text + "'";
        }
        if (errno != ERANGE) return value < minimum ? "must be at least " + bound + ", got " + text : "";
        if (value < 0) return "must be at least " + bound + ", got " + text;
        // Beyond long long, but an unsigned 64-bit option (a seed) may still hold it; a smaller type
        // is checked again by CLI11 when it converts the value.
        errno = 0;
        std::strtoull(text.c_str(), &end, 10);
        return errno == ERANGE ? "'" + text + "' is too large" : "";
      },
      "INT>=" + bound);
}

CLI::Validator PositiveNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (text.empty() || end == text.c_str() || *end != '\0') return "expected a number, got '" + text + "'";
        if (!(std::isfinite(value) && value > 0.0)) return "must be a positive number, got " + text;
        return "";
      },
      "NUMBER>0");
}

CLI::Validator FamilySpec(const std::vector<std::string>& families) {
  std::string known;
  for (const std::string& name : families) known += (known.empty() ? "" : ", ") + name;
  return CLI::Validator(
      [families, known](std::string& text) -> std::string {
        try {
          const ComponentSpec spec = ParseSpec(text);
          for (const std::string& name : families) {
            if (spec.family == name) return "";
          }
          return "unknown family '" + spec.family + "' (known: " + known + ")";
        } catch (const InputError& error) {
          return error.what();
        }
      },
      "{" + known + "}[(OPTIONS)]");
}

}  // namespace moest::cli
