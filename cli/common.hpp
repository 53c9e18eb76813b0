// What the subcommands share: exit codes, messages on stderr, output to stdout or a file, and the
// design matrices a stored model needs from a new table.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "moest/moest.hpp"

namespace moest::cli {

/** Exit codes of the moest command (ARCHITECTURE.md: 0 / 1 not converged / 2 bad input). */
enum ExitCode : int {
  kExitSuccess = 0,
  kExitNotConverged = 1,  // the fit ended in a status other than converged; output was still written
  kExitBadInput = 2,      // an InputError or a command-line parse error
  kExitInternalError = 3, // anything else: a bug, or memory ran out
  kExitInterrupted = 130, // Ctrl-C (128 + SIGINT, as shells report it)
};

/** Runs the subcommand chosen on the command line and returns its exit code. */
using CommandAction = std::function<int()>;

/** `message` with every line break replaced, so that each message is exactly one line. */
std::string OneLine(const std::string& message);
/** Prints "moest: error: <message>" as one line on stderr. */
void PrintError(const std::string& message);
/** Prints "moest: <message>" as one line on stderr (warnings and notes). */
void PrintNote(const std::string& message);

/** Writes `content` to stdout when `path` is empty, otherwise atomically to the file `path`. */
void WriteOutput(const std::string& path, const std::string& content);

/**
 * InputError unless `table` has at least one data row; `source` names it ("data file 'x.csv'").
 * Checked before any design is built, as Armadillo's column views of an empty matrix are not safe.
 */
void RequireDataRows(const Table& table, const std::string& source);

/** "prefix.1", ..., "prefix.K": the column names of per-component output. */
std::vector<std::string> NumberedNames(const std::string& prefix, arma::uword count);

/**
 * The design matrix for the stored term names of a model: "(Intercept)" is a column of ones, a
 * polynomial column is evaluated in the model's stored basis, any other name is that column of
 * `table` (InputError naming a missing or non-finite column).
 */
arma::mat DesignFromTermNames(const Table& table, const std::vector<std::string>& terms,
                              const std::vector<PolyBasis>& bases = {});

/** The expert and gate designs of a stored model, built from a table of new covariates. */
struct ModelDesigns {
  arma::mat expert;
  arma::mat gate;
  arma::vec offset;  // the model's exposure offset on these rows; empty when it has none
};

/**
 * Both designs of `file`'s model from `table`, and its offset: InputError naming the offset's column
 * when the table lacks it, or when the model file's offset is not one the command line evaluates.
 */
ModelDesigns DesignsFromTable(const ModelFile& file, const Table& table);

/** The Data view of `designs` with `response`, carrying the offset when the model has one. */
Data DesignData(const arma::mat& response, const ModelDesigns& designs);

/**
 * The covariate columns a model reads: its non-intercept terms (the covariate of a polynomial term),
 * expert terms first, no repeats.
 */
std::vector<std::string> CovariateNames(const ModelFile& file);

}  // namespace moest::cli
