#include "moest/gate/registry.hpp"

#include "moest/errors.hpp"
#include "moest/gate/distance.hpp"
#include "moest/gate/probit.hpp"
#include "moest/gate/softmax.hpp"
#include "moest/gate/softmax_variants.hpp"

namespace moest {

std::unique_ptr<Gate> MakeGate(const ComponentSpec& spec, arma::uword q, arma::uword K) {
  // One line per family (each family checks its own options).
  if (spec.family == "softmax") {
    spec.CheckKnown({"temperature", "top_k", "top_k_bias", "transform"});
    // Without options the linear softmax keeps its own fast Newton path.
    if (spec.options.empty()) return std::make_unique<SoftmaxGate>(q, K);
    return std::make_unique<SoftmaxVariantGate>(q, K, SoftmaxVariantGate::ParseOptions(spec, K));
  }
  if (spec.family == "laplace") {
    spec.CheckKnown({});
    return std::make_unique<DistanceGate>(DistanceGate::Kind::Laplace, q, K);
  }
  if (spec.family == "gaussian_kernel") {
    spec.CheckKnown({});
    return std::make_unique<DistanceGate>(DistanceGate::Kind::GaussianKernel, q, K);
  }
  if (spec.family == "probit") {
    spec.CheckKnown({"nodes"});
    return std::make_unique<ProbitGate>(q, K, spec.Integer("nodes", ProbitGate::kDefaultNodes, 2));
  }
  std::string known;
  for (const std::string& name : GateFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown gate family '" + spec.family + "' (known: " + known + ")");
}

std::unique_ptr<Gate> MakeGate(const std::string& spec, arma::uword q, arma::uword K) {
  return MakeGate(ParseSpec(spec), q, K);
}

std::vector<std::string> GateFamilies() { return {"softmax", "laplace", "gaussian_kernel", "probit"}; }

}  // namespace moest
