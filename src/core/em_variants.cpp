#include "moest/solver/em_variants.hpp"

#include <cmath>

#include "moest/errors.hpp"

namespace moest {

std::string EmVariantName(EmVariant variant) {
  switch (variant) {
    case EmVariant::Classification: return "classification";
    case EmVariant::Stochastic: return "stochastic";
    case EmVariant::Standard: break;
  }
  return "standard";
}

EmVariant EmVariantFromName(const std::string& name) {
  for (EmVariant v : {EmVariant::Standard, EmVariant::Classification, EmVariant::Stochastic}) {
    if (EmVariantName(v) == name) return v;
  }
  throw InputError("unknown EM variant '" + name + "' (choose standard, classification or stochastic)");
}

double ApplyEmVariant(EmVariant variant, double logLikelihood, arma::mat& r, Rng* rng) {
  if (variant == EmVariant::Standard) return logLikelihood;
  if (variant == EmVariant::Stochastic && rng == nullptr) {
    throw InputError("stochastic EM needs a random-number generator");
  }
  // log(g_ik f_ik) = log r_ik + log p(y_i | x_i), so the classification log-likelihood is the
  // observed one plus sum_i log r_{i,z_i}.
  double classification = logLikelihood;
  for (arma::uword i = 0; i < r.n_rows; ++i) {
    const arma::rowvec row = r.row(i);
    const arma::uword z = variant == EmVariant::Classification ? row.index_max() : rng->Categorical(row);
    classification += std::log(row[z]);
    r.row(i).zeros();
    r(i, z) = 1.0;
  }
  return variant == EmVariant::Classification ? classification : logLikelihood;
}

std::uint64_t StochasticEmSeed(std::uint64_t startSeed) {
  return Rng::DeriveSeed(startSeed, 0x53454dULL);  // "SEM": a stream apart from the start's partition
}

std::string EmVariantNote(EmVariant variant) {
  switch (variant) {
    case EmVariant::Classification:
      return "classification EM: each row is assigned to its most probable component before every M-step; "
             "the trace is the classification log-likelihood, which it never decreases, and it stops when "
             "that settles (the partition no longer changes)";
    case EmVariant::Stochastic:
      return "stochastic EM: each row is assigned to a component drawn from its responsibilities before every "
             "M-step; the trace is a random chain that is not monotone (its decreases are not flagged) and "
             "it runs every iteration of the cap, keeping the last state";
    case EmVariant::Standard: break;
  }
  return "";
}

}  // namespace moest
