#include "moest/solver/starts.hpp"

#include <limits>

namespace moest {

namespace {

// Columns of [xExpert, xGate, y] that vary, each standardised; constant columns (the intercept)
// carry no information for clustering. Duplicated columns only reweight the distance.
arma::mat ClusteringFeatures(const Data& data) {
  const arma::mat all = arma::join_rows(arma::join_rows(data.xExpert, data.xGate), data.y);
  arma::mat features(all.n_rows, 0);
  for (arma::uword j = 0; j < all.n_cols; ++j) {
    const double sd = arma::stddev(all.col(j));
    if (sd > 0.0) features = arma::join_rows(features, (all.col(j) - arma::mean(all.col(j))) / sd);
  }
  if (features.n_cols == 0) features = arma::mat(all.n_rows, 1, arma::fill::zeros);
  return features;
}

// Squared distance of every row of z (n x d) to every centre (K x d): n x K.
arma::mat SquaredDistances(const arma::mat& z, const arma::mat& centres) {
  arma::mat d(z.n_rows, centres.n_rows);
  for (arma::uword k = 0; k < centres.n_rows; ++k) {
    d.col(k) = arma::sum(arma::square(z.each_row() - centres.row(k)), 1);
  }
  return d;
}

}  // namespace

arma::uvec RandomPartition(arma::uword n, arma::uword K, Rng& rng) {
  arma::uvec labels(n);
  for (arma::uword i = 0; i < n; ++i) labels[i] = rng.Index(K);
  // Every label at least once: give label k to a distinct random row (Fisher-Yates prefix).
  arma::uvec order = arma::regspace<arma::uvec>(0, n - 1);
  for (arma::uword k = 0; k < K && k < n; ++k) {
    const arma::uword j = k + rng.Index(n - k);
    std::swap(order[k], order[j]);
    labels[order[k]] = k;
  }
  return labels;
}

arma::uvec KMeansPartition(const Data& data, arma::uword K, Rng& rng) {
  const arma::mat z = ClusteringFeatures(data);
  const arma::uword n = z.n_rows;
  // k-means++ seeding: each new centre drawn with probability proportional to squared distance.
  arma::mat centres(K, z.n_cols);
  centres.row(0) = z.row(rng.Index(n));
  arma::vec nearest(n);
  nearest.fill(std::numeric_limits<double>::infinity());
  for (arma::uword k = 1; k < K; ++k) {
    nearest = arma::min(nearest, arma::sum(arma::square(z.each_row() - centres.row(k - 1)), 1));
    const arma::uword pick = arma::accu(nearest) > 0.0 ? rng.Categorical(nearest.t()) : rng.Index(n);
    centres.row(k) = z.row(pick);
  }
  // Lloyd iterations. Armadillo's kmeans() would do, but it re-seeds an emptied cluster from its own
  // hidden generator; here an emptied cluster takes the row farthest from its centre instead.
  arma::uvec labels(n, arma::fill::zeros);
  for (int it = 0; it < 50; ++it) {
    const arma::mat d = SquaredDistances(z, centres);
    arma::uvec next = arma::index_min(d, 1);
    for (arma::uword k = 0; k < K; ++k) {
      if (arma::any(next == k)) continue;
      arma::vec own(n);
      for (arma::uword i = 0; i < n; ++i) own[i] = d(i, next[i]);
      next[own.index_max()] = k;
    }
    const bool settled = it > 0 && arma::all(next == labels);
    labels = next;
    if (settled) break;
    for (arma::uword k = 0; k < K; ++k) centres.row(k) = arma::mean(z.rows(arma::find(labels == k)), 0);
  }
  return labels;
}

arma::mat PartitionToResponsibilities(const arma::uvec& labels, arma::uword K, double smoothing) {
  arma::mat r(labels.n_elem, K);
  r.fill(smoothing / static_cast<double>(K));
  for (arma::uword i = 0; i < labels.n_elem; ++i) r(i, labels[i]) += 1.0 - smoothing;
  return r;
}

arma::uvec MakeStartPartition(StartMethod method, int s, const Data& data, arma::uword K, Rng& rng) {
  const bool kmeans = method == StartMethod::KMeans || (method == StartMethod::Mixed && s == 0);
  return kmeans ? KMeansPartition(data, K, rng) : RandomPartition(data.N(), K, rng);
}

}  // namespace moest
