#include "moest/solver/starts.hpp"

#include <limits>
#include <utility>
#include <vector>

namespace moest {

namespace {

// Columns of [xExpert, xGate, y] that vary, each standardised; constant columns (the intercept)
// carry no information for clustering. Duplicated columns only reweight the distance.
arma::mat ClusteringFeatures(const Data& data) {
  std::vector<const arma::mat*> sources = {&data.xExpert, &data.xGate, &data.y};
  std::vector<std::pair<const double*, double>> varying;  // column and its standard deviation
  for (const arma::mat* m : sources) {
    for (arma::uword j = 0; j < m->n_cols; ++j) {
      const double sd = arma::stddev(m->col(j));
      if (sd > 0.0) varying.emplace_back(m->colptr(j), sd);
    }
  }
  const arma::uword n = data.N();
  arma::mat features(n, std::max<std::size_t>(varying.size(), 1), arma::fill::zeros);
  for (arma::uword j = 0; j < varying.size(); ++j) {
    const arma::vec column(const_cast<double*>(varying[j].first), n, false, true);
    features.col(j) = (column - arma::mean(column)) / varying[j].second;
  }
  return features;
}

// Label of the nearest centre for every row of z (n x d, column-major) and that squared distance.
void AssignNearest(const arma::mat& z, const arma::mat& centres, arma::uvec& labels, arma::vec& distance) {
  const arma::uword n = z.n_rows;
  distance.set_size(n);
  distance.fill(arma::datum::inf);
  labels.set_size(n);
  arma::vec d(n);
  for (arma::uword k = 0; k < centres.n_rows; ++k) {
    d.zeros();
    for (arma::uword j = 0; j < z.n_cols; ++j) {
      const double* col = z.colptr(j);
      const double c = centres(k, j);
      for (arma::uword i = 0; i < n; ++i) d[i] += (col[i] - c) * (col[i] - c);
    }
    for (arma::uword i = 0; i < n; ++i) {
      if (d[i] < distance[i]) {
        distance[i] = d[i];
        labels[i] = k;
      }
    }
  }
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
  // Lloyd iterations (a start needs a sensible partition, not a converged one: at most 20).
  // Armadillo's kmeans() would do, but it re-seeds an emptied cluster from its own hidden generator;
  // here an emptied cluster takes the row farthest from its centre instead.
  arma::uvec labels, next;
  arma::vec distance;
  for (int it = 0; it < 20; ++it) {
    AssignNearest(z, centres, next, distance);
    arma::uvec counts(K, arma::fill::zeros);
    for (arma::uword i = 0; i < n; ++i) counts[next[i]]++;
    for (arma::uword k = 0; k < K; ++k) {
      if (counts[k] > 0) continue;
      const arma::uword far = distance.index_max();
      counts[next[far]]--;
      next[far] = k;
      counts[k] = 1;
      distance[far] = 0.0;
    }
    const bool settled = it > 0 && arma::all(next == labels);
    labels = next;
    if (settled) break;
    centres.zeros();
    for (arma::uword j = 0; j < z.n_cols; ++j) {
      const double* col = z.colptr(j);
      for (arma::uword i = 0; i < n; ++i) centres(labels[i], j) += col[i];
    }
    centres.each_col() /= arma::conv_to<arma::vec>::from(counts);
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
