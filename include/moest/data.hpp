// A non-owning view of the data a model is fitted to. Rows are observations.
#pragma once

#include "moest/arma.hpp"

namespace moest {

struct Data {
  Data(const arma::mat& response, const arma::mat& expertDesign, const arma::mat& gateDesign,
       const arma::uvec* groups = nullptr, const arma::vec* offsets = nullptr)
      : y(response), xExpert(expertDesign), xGate(gateDesign), group(groups), offset(offsets) {}

  const arma::mat& y;                // n x d response (class labels 0..C-1 for categorical experts)
  const arma::mat& xExpert;          // n x p expert design
  const arma::mat& xGate;            // n x q gate design
  const arma::uvec* group = nullptr; // group ids for mixed effects
  // Per-row offset added to the linear predictor of experts that take one (Poisson: log exposure);
  // null when the model has none.
  const arma::vec* offset = nullptr;

  /** Number of observations. */
  arma::uword N() const { return y.n_rows; }
};

}  // namespace moest
