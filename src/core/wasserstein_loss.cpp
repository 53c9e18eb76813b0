#include "moest/rates/wasserstein_loss.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "moest/errors.hpp"

namespace moest {

namespace {

/** Stacked parameters of every atom: one column per atom. */
arma::mat Stacked(const MixingAtoms& atoms) {
  arma::mat theta(0, atoms.K());
  for (const AtomPart& part : atoms.parts) theta = arma::join_cols(theta, part.value);
  return theta;
}

arma::vec Normalised(const arma::rowvec& logWeight) {
  arma::vec w = arma::exp(logWeight - logWeight.max()).t();
  return w / arma::accu(w);
}

}  // namespace

// Successive shortest paths: nodes 0..m-1 are the sources, m..m+n-1 the sinks. Forward arcs i -> j
// have unbounded capacity and cost c_ij, the reverse arcs j -> i carry the current flow at cost -c_ij.
// Each round sends flow along a cheapest path (Bellman-Ford) from a source with supply left to a sink
// with demand left; every round empties a supply, fills a demand or cancels an arc's flow, so a network
// of a few atoms needs only a few rounds.
double TransportCost(const arma::vec& p, const arma::vec& q, const arma::mat& cost) {
  const arma::uword m = p.n_elem, n = q.n_elem;
  if (cost.n_rows != m || cost.n_cols != n) throw InputError("transport cost matrix does not match the masses");
  arma::vec supply = p, demand = q;
  arma::mat flow(m, n, arma::fill::zeros);
  const double eps = 1e-15;
  const double inf = std::numeric_limits<double>::infinity();
  for (int round = 0; round < 1000 && arma::accu(supply) > 1e-13 && arma::accu(demand) > 1e-13; ++round) {
    std::vector<double> distance(m + n, inf);
    std::vector<long> previous(m + n, -1);
    for (arma::uword i = 0; i < m; ++i) {
      if (supply[i] > eps) distance[i] = 0.0;
    }
    for (arma::uword pass = 0; pass < m + n; ++pass) {
      bool changed = false;
      for (arma::uword i = 0; i < m; ++i) {
        for (arma::uword j = 0; j < n; ++j) {
          if (distance[i] + cost(i, j) < distance[m + j] - 1e-15) {
            distance[m + j] = distance[i] + cost(i, j);
            previous[m + j] = static_cast<long>(i);
            changed = true;
          }
          if (flow(i, j) > eps && distance[m + j] - cost(i, j) < distance[i] - 1e-15) {
            distance[i] = distance[m + j] - cost(i, j);
            previous[i] = static_cast<long>(m + j);
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    long sink = -1;
    for (arma::uword j = 0; j < n; ++j) {
      if (demand[j] > eps && distance[m + j] < inf && (sink < 0 || distance[m + j] < distance[sink])) sink = static_cast<long>(m + j);
    }
    if (sink < 0) break;
    double amount = demand[sink - m];
    long node = sink;
    while (previous[node] >= 0) {
      const long from = previous[node];
      if (node < static_cast<long>(m)) amount = std::min(amount, flow(node, from - m));  // a reverse arc
      node = from;
    }
    amount = std::min(amount, supply[node]);
    demand[sink - m] -= amount;
    supply[node] -= amount;
    node = sink;
    while (previous[node] >= 0) {
      const long from = previous[node];
      if (node >= static_cast<long>(m)) {
        flow(from, node - m) += amount;
      } else {
        flow(node, from - m) -= amount;
      }
      node = from;
    }
  }
  return arma::accu(flow % cost);
}

double WassersteinDistance(const MixingAtoms& truth, const MixingAtoms& fitted, double r) {
  if (!(r >= 1.0)) throw InputError("the Wasserstein order r must be at least 1");
  const arma::mat a = Stacked(fitted), b = Stacked(truth);
  if (a.n_rows != b.n_rows) throw InputError("the true and fitted models have different parameters");
  arma::mat cost(fitted.K(), truth.K());
  for (arma::uword i = 0; i < fitted.K(); ++i) {
    for (arma::uword j = 0; j < truth.K(); ++j) cost(i, j) = std::pow(arma::norm(a.col(i) - b.col(j)), r);
  }
  const double transport = TransportCost(Normalised(fitted.logWeight), Normalised(truth.logWeight), cost);
  return std::pow(std::max(transport, 0.0), 1.0 / r);
}

}  // namespace moest
