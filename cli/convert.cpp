// `moest convert DATA.csv DATA.bin`: a CSV table as moest's binary table (stream/binary_table.hpp),
// read chunk by chunk, so that streaming fits do not parse the text on every EM pass.
#include <memory>
#include <string>

#include "arguments.hpp"
#include "commands.hpp"
#include "validators.hpp"

namespace moest::cli {

namespace {

struct ConvertArguments {
  std::string input;
  std::string output;
  std::size_t chunkRows = 100000;
  bool quiet = false;
};

int RunConvert(const ConvertArguments& args) {
  CsvChunkSource source(args.input, args.chunkRows);
  const std::size_t rows = WriteBinaryTable(source, args.output);
  if (!args.quiet) {
    PrintNote("wrote " + std::to_string(rows) + " rows of " + std::to_string(source.Names().size()) + " columns to " +
              args.output);
  }
  return kExitSuccess;
}

}  // namespace

void AddConvertCommand(CLI::App& app, CommandAction& action) {
  auto args = std::make_shared<ConvertArguments>();
  CLI::App* convert = app.add_subcommand(
      "convert", "Write a CSV table (numeric columns) as a binary table for fast streaming fits (fit --stream).");
  convert->footer(
      "The binary table: the bytes MOESTBIN, a uint32 version (1), a uint32 column count c, a uint64 row "
      "count n, c names (uint32 length, bytes), then n x c little-endian doubles, row-major. It is written "
      "under a temporary name and renamed when complete. Exit code 2 for a non-numeric, empty or non-finite "
      "cell (named by column and row).");
  convert->add_option("input", args->input, "CSV file: a header row, then one row per observation")
      ->required()
      ->check(CLI::ExistingFile);
  convert->add_option("output", args->output, "the binary table to write")->required();
  convert->add_option("--chunk-rows", args->chunkRows, "rows read at a time")
      ->check(WholeNumberAtLeast(1))
      ->capture_default_str();
  convert->add_flag("-q,--quiet", args->quiet, "print nothing");
  BindAction(*convert, action, args, RunConvert);
}

}  // namespace moest::cli
