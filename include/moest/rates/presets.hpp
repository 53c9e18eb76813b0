// The published simulation setups of THEORY.md section 6 as ready-made studies.
#pragma once

#include <string>
#include <vector>

#include "moest/rates/slopes.hpp"
#include "moest/rates/study.hpp"

namespace moest {

struct RatesPreset {
  std::string name;
  std::string description;
  std::string published;        // the published slope(s), or "none" for a moest design
  std::string theory;           // the rate the theory gives, in words
  RatesTruth truth;
  StudyOptions options;         // sizes, replicates, fitted K, start noise, EM mode, exponents
  bool polynomialTheory = true; // false: no polynomial rate is predicted (theory slopes are NaN)
  arma::uword n0 = 0;           // the slope fit's default first size
};

/** The preset names, in the order `moest rates --list` shows them. */
std::vector<std::string> RatesPresetNames();

/** The preset called `name` at full (published) size or, when quick, at a size that runs in seconds. */
RatesPreset GetRatesPreset(const std::string& name, bool quick);

/** The sizes: `count` values evenly spaced from `from` to `to` (rounded). */
std::vector<arma::uword> LinearSizes(double from, double to, arma::uword count);
/** The sizes: `count` values evenly spaced in log n from `from` to `to` (rounded). */
std::vector<arma::uword> LogSizes(double from, double to, arma::uword count);

}  // namespace moest
