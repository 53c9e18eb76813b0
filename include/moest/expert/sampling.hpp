// Draws the expert families need beyond Rng's uniform and normal (written here so that the CLI and R
// give the same draws from the same seed).
#pragma once

#include "moest/rng.hpp"

namespace moest::sampling {

/** Gamma(shape, 1) for shape > 0 (Marsaglia and Tsang; shape < 1 by the boost U^(1/shape)). */
double Gamma(Rng& rng, double shape);
/** Poisson(mean) for mean >= 0 (inversion below 10, Hoermann's transformed rejection PTRS above). */
double Poisson(Rng& rng, double mean);

}  // namespace moest::sampling
