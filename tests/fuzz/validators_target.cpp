#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "../../cli/validators.hpp"
#include "targets.hpp"

namespace moest::fuzz {

void FuzzValidators(const std::string& input) {
  std::string text = input.substr(0, input.find('\n'));
  std::string copy = text;
  if (cli::WholeNumberAtLeast(1)(copy).empty()) {
    // Accepted: a decimal whole number of at least 1 (a seed may go up to 2^64 - 1).
    errno = 0;
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    Require(errno == 0 && *end == '\0' && value >= 1, "WholeNumberAtLeast(1) accepted '" + text + "'");
  }
  copy = text;
  if (cli::PositiveNumber()(copy).empty()) {
    const double value = std::strtod(text.c_str(), nullptr);
    Require(std::isfinite(value) && value > 0.0, "PositiveNumber accepted '" + text + "'");
  }
  copy = text;
  cli::FamilySpec({"gaussian", "t", "softmax"})(copy);
}

}  // namespace moest::fuzz
