// Draw responses from a model at given covariates.
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/rng.hpp"

namespace moest {

struct Simulation {
  arma::mat y;           // n x d responses
  arma::uvec component;  // the expert (0-based) that produced each row
};

/** For every row draw a component from g(x_i), then y_i from that expert. data.y is ignored. */
Simulation Simulate(const Model& model, const Data& data, Rng& rng);

}  // namespace moest
