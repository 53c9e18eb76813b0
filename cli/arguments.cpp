#include "arguments.hpp"

namespace moest::cli {

void AddModelArgument(CLI::App& command, std::string& modelPath) {
  command.add_option("model", modelPath, "model file written by 'moest fit -o'")->required()->check(CLI::ExistingFile);
}

void AddCsvOutputOption(CLI::App& command, std::string& outputPath) {
  command.add_option("-o,--output", outputPath, "write the CSV here, atomically, instead of stdout");
}

}  // namespace moest::cli
