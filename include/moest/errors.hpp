// Exceptions are for bad input only (a fit that goes wrong returns a FitStatus instead).
#pragma once

#include <stdexcept>
#include <string>

namespace moest {

/** Bad input from the user: the message names the column, row, option or file at fault. */
class InputError : public std::invalid_argument {
 public:
  explicit InputError(const std::string& message) : std::invalid_argument(message) {}
};

}  // namespace moest
