// The convergence-rate study engine: simulate from a true model at each n of a grid, fit K components
// from a start (near-true as in the papers, or moest's usual random starts) by converged or one-step
// EM, and score each fit against the truth with every loss. One row per (n, K, replicate); replicates
// run in parallel (OpenMP) with per-task seeds, so the rows do not depend on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "moest/model/model.hpp"
#include "moest/observer.hpp"
#include "moest/rates/voronoi_loss.hpp"

namespace moest {

/** How the covariates of one replicate are formed. */
enum class CovariateKind {
  Grid,         // every covariate column linspace(0, 1, n) (the softmax-gated preset)
  Uniform,      // every covariate column U[0, 1]
  GateMixture,  // drawn from a density gate's mixture sum_k pi_k h_k(x) (joint models)
};

struct RatesTruth {
  Model model;                          // expert design [1, x], gate design [1, x] (or [1])
  CovariateKind covariates = CovariateKind::Grid;
  arma::uword dimension = 1;            // number of covariate columns x
  bool gateCovariates = true;           // false: the gate design is the intercept alone
};

/** How EM is started. */
enum class StartProtocol {
  NearTrue,  // each fitted atom copies a randomly assigned true atom (every true atom used) plus noise
  Random,    // moest's usual starts (Fit with options.starts starts; the best is kept)
};

/**
 * The noise of the near-true start at sample size n (THEORY.md section 6): N(0, (sd n^exponent)^2) on
 * gate coefficients, centres and locations (gateSd) and on expert coefficients (expertSd); on
 * variances (expert sigma^2, gate variances) N(0, (varianceSd n^varianceExponent)^2), or its absolute
 * value when absoluteVariance. Atoms that copy the same density-gate atom share its pi equally.
 */
struct NearTrueNoise {
  double gateSd = 0.005;
  double expertSd = 0.05;
  double varianceSd = 0.05;
  double exponent = -0.083;
  double varianceExponent = -0.083;
  bool absoluteVariance = false;
};

struct StudyOptions {
  std::vector<arma::uword> sizes;    // the n grid
  int replicates = 40;
  std::vector<arma::uword> fittedK;  // fitted numbers of components
  StartProtocol start = StartProtocol::NearTrue;
  NearTrueNoise noise;
  int randomStarts = 10;             // StartProtocol::Random
  bool oneStep = false;              // exactly one EM step from the start (the published Gaussian-gated runs)
  double tolerance = 1e-6;           // relative log-likelihood change ending converged EM
  int maxIterations = 2000;
  std::uint64_t seed = 1;
  int threads = 0;                   // 0: OpenMP's default
  VoronoiExponents exponents = VoronoiExponents::Softmax();
  std::string outputPath;            // CSV written atomically (checkpoints while running); empty: none
  bool resume = false;               // keep the finished rows of an existing outputPath and skip them
};

/** The study's results: the CSV header and one text row per finished (n, K, replicate), in task order. */
struct StudyTable {
  std::vector<std::string> columns;
  std::vector<std::string> rows;     // CSV lines without the newline
  std::size_t resumed = 0;           // rows taken from an existing file
  bool interrupted = false;
  /** The whole CSV text. */
  std::string Csv() const;
};

/** The CSV columns of a study of `truth` (losses depend on its parameters and gate). */
std::vector<std::string> StudyColumns(const RatesTruth& truth);

/**
 * Runs the study. Progress ("replicates", done, total) goes to the observer from the master thread
 * only; ShouldStop() ends it within an EM iteration, keeping the finished rows. InputError for bad
 * options (empty grid, K < K* with near-true starts, an existing file of other columns on resume).
 */
StudyTable RunRatesStudy(const RatesTruth& truth, const StudyOptions& options, Observer& observer);

/** The covariates (n x dimension) of one replicate. */
arma::mat StudyCovariates(const RatesTruth& truth, arma::uword n, Rng& rng);

/** The near-true start model with K atoms at sample size n (see NearTrueNoise). */
Model NearTrueStart(const RatesTruth& truth, arma::uword K, arma::uword n, const NearTrueNoise& noise, Rng& rng);

}  // namespace moest
