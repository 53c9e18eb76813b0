// Starting partitions for EM.
#pragma once

#include "moest/data.hpp"
#include "moest/options.hpp"
#include "moest/rng.hpp"

namespace moest {

/** A uniformly random partition of the n rows into K labels, each label used at least once. */
arma::uvec RandomPartition(arma::uword n, arma::uword K, Rng& rng);
/** k-means (k-means++ seeding, then Lloyd by Armadillo) on the standardised columns of [x, y]. */
arma::uvec KMeansPartition(const Data& data, arma::uword K, Rng& rng);
/** Responsibilities from hard labels: (1 - s) one-hot + s / K. */
arma::mat PartitionToResponsibilities(const arma::uvec& labels, arma::uword K, double smoothing);
/** The start of index `s` under `method` (Mixed: s == 0 is k-means, the others random). */
arma::uvec MakeStartPartition(StartMethod method, int s, const Data& data, arma::uword K, Rng& rng);

}  // namespace moest
