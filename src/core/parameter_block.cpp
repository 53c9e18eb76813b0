#include "moest/model/parameter_block.hpp"

#include "moest/errors.hpp"

namespace moest {

const arma::mat& FindBlock(const ParameterBlocks& blocks, const std::string& name, arma::uword rows,
                           arma::uword cols, const std::string& owner) {
  for (const ParameterBlock& block : blocks) {
    if (block.name != name) continue;
    if (block.value.n_rows != rows || block.value.n_cols != cols) {
      throw InputError(owner + ": parameter '" + name + "' should be " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " but is " + std::to_string(block.value.n_rows) + " x " +
                       std::to_string(block.value.n_cols));
    }
    if (!block.value.is_finite()) {
      throw InputError(owner + ": parameter '" + name + "' has a non-finite value");
    }
    return block.value;
  }
  throw InputError(owner + ": parameter '" + name + "' is missing");
}

}  // namespace moest
