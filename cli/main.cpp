// The moest command: parses the command line with CLI11, runs the chosen subcommand, and turns every
// failure into one line on stderr and an exit code (see common.hpp).
#include <exception>
#include <new>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "moest/arma.hpp"
#include "moest/blas_threads.hpp"

namespace {

using namespace moest::cli;

constexpr const char* kVersion = MOEST_VERSION;  // from CMakeLists.txt's project() version

/** " (see 'moest fit --help')" for the deepest subcommand that was parsed. */
std::string HelpHint(const CLI::App& app) {
  std::string command = app.get_name();
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) {
    current = current->get_subcommands().front();
    command += " " + current->get_name();
  }
  return " (see '" + command + " --help')";
}

/**
 * The message for a parse error. CLI11 checks that a subcommand was given before it looks at the
 * arguments it did not recognise, so "moest fitt" would only hear "A subcommand is required".
 */
std::string ParseErrorMessage(const CLI::App& app, const CLI::ParseError& error, int argc, char** argv) {
  if (app.get_subcommands().empty() && argc > 1) {
    const std::string first = argv[1];
    if (!first.empty() && first[0] == '-') return "unknown option '" + first + "'" + HelpHint(app);
    std::string names;
    for (const CLI::App* command : app.get_subcommands({})) names += (names.empty() ? "" : ", ") + command->get_name();
    return "unknown subcommand '" + first + "' (the subcommands are " + names + ")";
  }
  return error.what() + HelpHint(app);
}

int Run(int argc, char** argv) {
  CLI::App app{"Fit, inspect and use statistical mixture-of-experts models.", "moest"};
  // The Armadillo release the core was compiled against: the CLI and R give byte-identical model files
  // when it is the R package's (see CMakeLists.txt).
  app.set_version_flag("--version", std::string("moest ") + kVersion + " (Armadillo " +
                                        std::to_string(arma::arma_version::major) + "." +
                                        std::to_string(arma::arma_version::minor) + "." +
                                        std::to_string(arma::arma_version::patch) + ")");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success; 1 a fit ended other than converged (its output is still written); 2 bad "
      "input or command line; 3 internal error; 130 interrupted by Ctrl-C. 'moest SUBCOMMAND --help' "
      "describes each subcommand.");
  CommandAction action;
  AddFitCommand(app, action);
  AddSummaryCommand(app, action);
  AddPredictCommand(app, action);
  AddSimulateCommand(app, action);
  AddRatesCommand(app, action);
  AddSelectCommand(app, action);
  AddConvertCommand(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0: let CLI11 print them as usual.
    if (e.get_exit_code() == 0) return app.exit(e);
    PrintError(ParseErrorMessage(app, e, argc, argv));
    return kExitBadInput;
  }
  // One OpenBLAS thread for the whole command, its rank checks included (moest/blas_threads.hpp).
  const moest::OneBlasThread blas;
  return action();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const moest::InputError& e) {
    PrintError(e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    PrintError("out of memory (is a size such as -K or -n far larger than meant?)");
    return kExitInternalError;
  } catch (const std::exception& e) {
    PrintError(std::string("internal error: ") + e.what());
    return kExitInternalError;
  } catch (...) {
    PrintError("internal error: an unknown exception");
    return kExitInternalError;
  }
}
