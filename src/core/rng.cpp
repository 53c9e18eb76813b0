#include "moest/rng.hpp"

#include <cmath>

namespace moest {

double Rng::Uniform() {
  // 53 random bits, shifted off zero so that log(Uniform()) is always finite.
  const std::uint64_t bits = engine_() >> 11;
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

double Rng::Normal() {
  const double u1 = Uniform();
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * arma::datum::pi * u2);
}

arma::uword Rng::Index(arma::uword n) {
  const arma::uword i = static_cast<arma::uword>(Uniform() * static_cast<double>(n));
  return i < n ? i : n - 1;
}

arma::uword Rng::Categorical(const arma::rowvec& w) {
  const double total = arma::accu(w);
  double u = Uniform() * total;
  for (arma::uword k = 0; k < w.n_elem; ++k) {
    u -= w[k];
    if (u < 0.0) return k;
  }
  // Rounding left u just above zero: return the last index with positive weight.
  for (arma::uword k = w.n_elem; k-- > 0;) {
    if (w[k] > 0.0) return k;
  }
  return 0;
}

std::uint64_t Rng::DeriveSeed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace moest
