// Command-line arguments that several subcommands declare alike, and the binding of a subcommand to
// the function that runs it.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "common.hpp"

namespace moest::cli {

/** The positional MODEL argument: a model file written by `moest fit -o`. */
void AddModelArgument(CLI::App& command, std::string& modelPath);

/** The -o,--output option of a subcommand that writes CSV (to stdout when it is not given). */
void AddCsvOutputOption(CLI::App& command, std::string& outputPath);

/**
 * When `command` is the subcommand parsed, sets `action` to run `run(*arguments)` (after parsing,
 * so that nothing runs while CLI11 is still reading the command line).
 */
template <typename Arguments>
void BindAction(CLI::App& command, CommandAction& action, std::shared_ptr<Arguments> arguments,
                int (*run)(const Arguments&)) {
  command.callback([&action, arguments, run] { action = [arguments, run] { return run(*arguments); }; });
}

}  // namespace moest::cli
