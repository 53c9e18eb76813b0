#include "moest/model/simulate.hpp"

#include "moest/model/predict.hpp"

namespace moest {

Simulation Simulate(const Model& model, const Data& data, Rng& rng) {
  const arma::uword n = data.N();
  const arma::mat gate = PredictGate(model, data);
  Simulation sim;
  sim.component.set_size(n);
  for (arma::uword i = 0; i < n; ++i) sim.component[i] = rng.Categorical(gate.row(i));
  // Each expert draws for every row (one virtual call per expert); each row keeps its component's.
  for (arma::uword k = 0; k < model.K(); ++k) {
    arma::mat draws;
    model.expert(k).Sample(data, rng, draws);
    if (k == 0) sim.y.set_size(n, draws.n_cols);
    const arma::uvec rows = arma::find(sim.component == k);
    sim.y.rows(rows) = draws.rows(rows);
  }
  return sim;
}

}  // namespace moest
