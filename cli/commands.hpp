// The subcommands of moest, one file each. Every Add...Command registers its options on `app`; when
// that subcommand is the one parsed, it sets `action` to run it with the parsed values.
#pragma once

#include <CLI/CLI.hpp>

#include "common.hpp"

namespace moest::cli {

/** `moest fit DATA.csv --formula ... -K ...`: fit a model, write the model file, print a summary. */
void AddFitCommand(CLI::App& app, CommandAction& action);
/** `moest summary MODEL.json [--json]`: describe a fitted model. */
void AddSummaryCommand(CLI::App& app, CommandAction& action);
/** `moest predict MODEL.json NEW.csv [--type ...]`: predictions on new data, as CSV. */
void AddPredictCommand(CLI::App& app, CommandAction& action);
/** `moest simulate MODEL.json [-n N] [--covariates X.csv]`: draws from a fitted model, as CSV. */
void AddSimulateCommand(CLI::App& app, CommandAction& action);
/** `moest rates --preset NAME | --truth MODEL.json`: a convergence-rate study and its slope table. */
void AddRatesCommand(CLI::App& app, CommandAction& action);
/** `moest select DATA.csv --formula ... -K 1:6 [--criterion bic]`: fit a range of models and rank them. */
void AddSelectCommand(CLI::App& app, CommandAction& action);

/** `moest convert DATA.csv DATA.bin`: a CSV table as a binary table for streaming fits. */
void AddConvertCommand(CLI::App& app, CommandAction& action);

}  // namespace moest::cli
