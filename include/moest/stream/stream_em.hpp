// Streaming EM: the EM of solver/em.hpp with the data read chunk by chunk on every pass, so that
// memory is bounded by the chunk size. Each pass accumulates the sufficient statistics of the
// M-steps (Gaussian experts: X'WX, X'Wy and weighted residual sums; the Gaussian-density gate:
// weighted totals, means and scatters; the softmax gate: its objective, gradient and Hessian), with
// the responsibilities recomputed in the pass from the E-step's parameters; the softmax gate's
// Newton loop makes one pass per trial step. The steps are those of the in-memory fit, so the two
// agree to rounding (the order of the sums). Through a Reducer the same code runs distributed.
#pragma once

#include "moest/model/model.hpp"
#include "moest/observer.hpp"
#include "moest/options.hpp"
#include "moest/solver/fit_result.hpp"
#include "moest/stream/chunked_data.hpp"
#include "moest/stream/reducer.hpp"

namespace moest {

/**
 * InputError naming the option when `model` or `options` asks for what streaming does not support:
 * experts other than gaussian, gates other than softmax (without options) and gaussian_density, the
 * Aitken stopping rule, EM variants, fixed blocks.
 */
void CheckStreamable(const Model& model, const EmOptions& options);

/**
 * EM from the parameters of `model` (the first pass is the E-step at them, as a fit from a start
 * model), over the chunks of `data` (this process's shard), every statistic summed by `reducer`.
 * Returns the fit without responsibilities (they would need n x K memory); the ICL's entropy term is
 * accumulated in the last pass. Bad data anywhere in any shard is found by a first pass over the data
 * and thrown as InputError before any fitting.
 */
FitResult RunStreamingEm(Model model, ChunkedData& data, const EmOptions& options, Observer& observer,
                         Reducer& reducer);

}  // namespace moest
