#include "moest/gate/registry.hpp"

#include "moest/errors.hpp"
#include "moest/gate/softmax.hpp"

namespace moest {

std::unique_ptr<Gate> MakeGate(const ComponentSpec& spec, arma::uword q, arma::uword K) {
  // One line per family (each family checks its own options).
  if (spec.family == "softmax") {
    spec.CheckKnown({});
    return std::make_unique<SoftmaxGate>(q, K);
  }
  std::string known;
  for (const std::string& name : GateFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown gate family '" + spec.family + "' (known: " + known + ")");
}

std::unique_ptr<Gate> MakeGate(const std::string& spec, arma::uword q, arma::uword K) {
  return MakeGate(ParseSpec(spec), q, K);
}

std::vector<std::string> GateFamilies() { return {"softmax"}; }

}  // namespace moest
