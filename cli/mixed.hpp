// `moest fit ... --group COLUMN`: mixed-effects fits (random effects in the gate or in the experts),
// dispatched from cli/fit.cpp.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "moest/moest.hpp"

namespace moest::cli {

/** The options `moest fit` gains for mixed effects. */
struct MixedCliArguments {
  std::string group;                // empty: a plain fit
  std::string placement = "gate";   // gate | expert
  int quadrature = 15;              // Gauss-Hermite nodes per dimension
  int dimension = 0;                // dimension of u per group (gate placement); 0: one per random term
  std::vector<std::string> slopes;  // gate placement: columns with random slopes
  int monteCarlo = 0;               // > 0: Monte Carlo EM with this many draws per group
  bool commonVariance = false;      // expert placement: one residual variance
};

/**
 * The labels of the group column `name`, one per row, as the fit reads them (numbers as %.15g);
 * InputError naming the column and row of a missing cell.
 */
std::vector<std::string> GroupCells(const Table& table, const std::string& name);

/** Register --group, --random, --quadrature, --random-dim, --random-slopes, --monte-carlo, --common-variance on `fit`. */
void AddMixedOptions(CLI::App& fit, MixedCliArguments& args);

/** What the plain fit path has already read and checked. */
struct MixedFitInput {
  std::string dataPath;
  std::string formula, response;
  const Design& expert;  // views of what the fit path holds: the data are not copied again
  const Design& gate;
  const arma::mat& y;
  std::string expertFamily, gateFamily;
  FitOptions options;
  std::string outputPath, tracePath;
  bool json = false, quiet = false;
};

/** Fit with random effects, write the model file and print the summary; returns the exit code. */
int RunMixedFit(const MixedCliArguments& args, const MixedFitInput& input, const Model& prototype);

}  // namespace moest::cli
