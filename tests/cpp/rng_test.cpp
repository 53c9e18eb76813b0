#include <gtest/gtest.h>

#include "moest/rng.hpp"

namespace moest {
namespace {

TEST(Rng, SameSeedSameStream) {
  Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Uniform(), b.Uniform());
}

TEST(Rng, UniformIsInsideTheOpenInterval) {
  Rng rng(1);
  for (int i = 0; i < 10000; ++i) {
    const double u = rng.Uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
}

TEST(Rng, NormalHasUnitMomentsWithinSamplingError) {
  Rng rng(3);
  const int n = 200000;
  arma::vec draws(n);
  for (int i = 0; i < n; ++i) draws[i] = rng.Normal();
  // Standard errors: mean 1/sqrt(n) = 0.0022, variance sqrt(2/n) = 0.0032; allow 5 of them.
  EXPECT_NEAR(arma::mean(draws), 0.0, 5 * 0.0022);
  EXPECT_NEAR(arma::var(draws), 1.0, 5 * 0.0032);
}

TEST(Rng, CategoricalFollowsTheWeights) {
  Rng rng(5);
  arma::rowvec w = {1.0, 0.0, 3.0};
  arma::uvec counts(3, arma::fill::zeros);
  const int n = 40000;
  for (int i = 0; i < n; ++i) counts[rng.Categorical(w)]++;
  EXPECT_EQ(counts[1], 0u);
  // p = 0.25, sd of the proportion = sqrt(0.25 * 0.75 / n) = 0.0022.
  EXPECT_NEAR(counts[0] / double(n), 0.25, 5 * 0.0022);
}

TEST(Rng, DerivedSeedsDifferPerStreamAndAreStable) {
  EXPECT_NE(Rng::DeriveSeed(1, 0), Rng::DeriveSeed(1, 1));
  EXPECT_NE(Rng::DeriveSeed(1, 0), Rng::DeriveSeed(2, 0));
  EXPECT_EQ(Rng::DeriveSeed(1, 5), Rng::DeriveSeed(1, 5));
}

TEST(Rng, IndexStaysInRange) {
  Rng rng(9);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(rng.Index(3), 3u);
}

}  // namespace
}  // namespace moest
