// Fit a model from several starts and keep the best.
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/observer.hpp"
#include "moest/options.hpp"
#include "moest/solver/fit_result.hpp"

namespace moest {

/**
 * Fit `prototype`'s families to `data` by EM from options.starts starts (each with a seed derived
 * from options.seed) and return the start with the highest final log-likelihood. Throws InputError
 * for impossible options or data (K < 1, fewer rows than parameters, ...).
 */
FitResult Fit(const Model& prototype, const Data& data, const FitOptions& options, Observer& observer);

/** Throws InputError unless `data` can fit `model` (K >= 1, enough rows, finite values, sizes agree). */
void ValidateFitInput(const Model& model, const Data& data, const FitOptions& options);

}  // namespace moest
