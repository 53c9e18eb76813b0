// Running the moest command-line tool from a test: a fresh directory, the command's exit code and
// both output streams.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace moest::test {

/** The whole of a file. */
inline std::string ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct CliOutcome {
  int exitCode = -1;
  std::string out, err;
};

/** An empty directory under the system's temporary one, named by `name` and the process id. */
inline std::filesystem::path CleanDirectory(const std::string& name) {
  const std::filesystem::path directory =
      std::filesystem::temp_directory_path() / ("moest_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(directory);
  std::filesystem::create_directories(directory);
  return directory;
}

/** Runs `moest <arguments>` (already shell-quoted) in `directory`. */
inline CliOutcome RunMoest(const std::filesystem::path& directory, const std::string& arguments) {
  const std::string command = "cd '" + directory.string() + "' && OPENBLAS_NUM_THREADS=1 '" +
                              std::string(MOEST_CLI_PATH) + "' " + arguments + " > out.txt 2> err.txt";
  const int status = std::system(command.c_str());
  CliOutcome outcome;
  outcome.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  outcome.out = ReadWhole(directory / "out.txt");
  outcome.err = ReadWhole(directory / "err.txt");
  return outcome;
}

}  // namespace moest::test
