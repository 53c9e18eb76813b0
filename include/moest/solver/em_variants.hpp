// Classification EM and stochastic EM (Celeux & Govaert 1992; Celeux & Diebolt 1985): the E-step's
// responsibilities are replaced, before the M-step, by a hard argmax (CEM) or by one component drawn
// per row from them (SEM). The EM loop calls ApplyEmVariant and knows nothing else about them.
#pragma once

#include <cstdint>
#include <string>

#include "moest/arma.hpp"
#include "moest/rng.hpp"

namespace moest {

/** Which EM: flexmix's classify = "weighted" / "hard" / "random". */
enum class EmVariant {
  Standard,        // the posterior responsibilities (the EM of Dempster, Laird & Rubin)
  Classification,  // each row to its most probable component; monotone in the classification likelihood
  Stochastic,      // each row to one component drawn from its responsibilities; not monotone
};

/** "standard", "classification", "stochastic". */
std::string EmVariantName(EmVariant variant);
/** Inverse of EmVariantName; InputError naming the choices otherwise. */
EmVariant EmVariantFromName(const std::string& name);

/**
 * Replace the responsibilities `r` (n x K, the E-step's posterior) as `variant` asks: a one-hot row at
 * the argmax (ties to the lower index) or at a draw from `rng`. `logLikelihood` is the E-step's
 * observed log-likelihood. Returns the value the trace records: the classification log-likelihood
 * sum_i log(g_{i,z_i} f_{i,z_i}) for CEM (the quantity it increases), the observed one otherwise.
 * `rng` is used only by Stochastic and must then be non-null.
 */
double ApplyEmVariant(EmVariant variant, double logLikelihood, arma::mat& r, Rng* rng);

/** The per-start seed of the stochastic draws, derived from the start's own seed. */
std::uint64_t StochasticEmSeed(std::uint64_t startSeed);

/** A plain-language note on what the trace of `variant` means (empty for Standard). */
std::string EmVariantNote(EmVariant variant);

}  // namespace moest
