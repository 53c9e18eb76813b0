// Model selection: fit every combination of K, gate family and expert family and rank them by an
// information criterion (BIC, ICL or AIC, all on the usual scale: smaller is better).
#pragma once

#include <string>
#include <vector>

#include "moest/data.hpp"
#include "moest/observer.hpp"
#include "moest/options.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

enum class Criterion { Bic, Icl, Aic };

/** "bic", "icl", "aic"; and back (InputError naming the choices). */
std::string CriterionName(Criterion criterion);
Criterion CriterionFromName(const std::string& name);
/** The value of `criterion` in `criteria`. */
double CriterionValue(const InformationCriteria& criteria, Criterion criterion);

struct SelectOptions {
  std::vector<arma::uword> components;                // the K values tried
  std::vector<std::string> gates = {"softmax"};       // gate family specs
  std::vector<std::string> experts = {"gaussian"};    // expert family specs
  Criterion criterion = Criterion::Bic;
  FitOptions fit;                                     // for every fit (starts, seed, threads, ...)
};

/** One fitted candidate. */
struct Candidate {
  arma::uword K = 0;
  std::string gate;
  std::string expert;
  double value = arma::datum::nan;  // the criterion (NaN when the fit was not finite)
  FitResult fit;
};

struct Selection {
  Criterion criterion = Criterion::Bic;
  std::vector<Candidate> ranked;  // increasing criterion (best first); non-finite last
  bool interrupted = false;       // the observer asked to stop; `ranked` holds the fits finished
};

/**
 * "1:6", "2", "1,3,5" or "2:4,6" into the K values (InputError naming the text otherwise).
 */
std::vector<arma::uword> ParseComponentRange(const std::string& text);

/**
 * Fit every candidate (K x gate x expert) to `data` and rank them. Every candidate is checked before
 * any is fitted: InputError when one has as many free parameters as rows (naming K and the count).
 * Progress goes to observer.OnProgress("models", done, total); the fits themselves report nothing.
 */
Selection SelectModels(const Data& data, const SelectOptions& options, Observer& observer);

}  // namespace moest
