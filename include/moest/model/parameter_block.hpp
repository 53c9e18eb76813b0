// A named block of parameters in their natural scale, as shown to users and stored in model files.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"

namespace moest {

struct ParameterBlock {
  std::string name;  // e.g. "coefficients", "sigma"
  arma::mat value;   // a scalar is 1 x 1, a vector n x 1
};

using ParameterBlocks = std::vector<ParameterBlock>;

/** The block called `name`; throws InputError naming `owner` when it is missing or mis-sized. */
const arma::mat& FindBlock(const ParameterBlocks& blocks, const std::string& name,
                           arma::uword rows, arma::uword cols, const std::string& owner);

}  // namespace moest
