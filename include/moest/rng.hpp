// The one source of randomness in the core. Seeded by the caller, so the CLI and R give the same
// fit from the same seed; the distributions are written here (not std::normal_distribution) so that
// the stream of draws does not depend on the standard library.
#pragma once

#include <cstdint>
#include <random>

#include "moest/arma.hpp"

namespace moest {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /** Uniform on the open interval (0, 1). */
  double Uniform();
  /** Standard normal draw (Box-Muller, two uniforms per draw, no cached second value). */
  double Normal();
  /** Uniform integer in 0..n-1 (n > 0). */
  arma::uword Index(arma::uword n);
  /** Draw an index from 0..w.n_elem-1 with probabilities proportional to w (w >= 0, sum > 0). */
  arma::uword Categorical(const arma::rowvec& w);

  /** A well-mixed seed for stream `stream` derived from the user's `seed` (SplitMix64 finaliser). */
  static std::uint64_t DeriveSeed(std::uint64_t seed, std::uint64_t stream);

 private:
  std::mt19937_64 engine_;
};

}  // namespace moest
