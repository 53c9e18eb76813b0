#include "moest/gate/registry.hpp"

#include "moest/errors.hpp"
#include "moest/gate/softmax.hpp"

namespace moest {

std::unique_ptr<Gate> MakeGate(const std::string& family, arma::uword q, arma::uword K) {
  if (family == "softmax") return std::make_unique<SoftmaxGate>(q, K);
  std::string known;
  for (const std::string& name : GateFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown gate family '" + family + "' (known: " + known + ")");
}

std::vector<std::string> GateFamilies() { return {"softmax"}; }

}  // namespace moest
