#include "moest/gate/registry.hpp"

#include "moest/errors.hpp"
#include "moest/gate/distance.hpp"
#include "moest/gate/gaussian_density.hpp"
#include "moest/gate/laplace_density.hpp"
#include "moest/gate/probit.hpp"
#include "moest/gate/softmax.hpp"
#include "moest/gate/softmax_variants.hpp"
#include "moest/gate/t_density.hpp"
#include "moest/gate/tree.hpp"

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
  if (spec.family == "gaussian_density") {
    spec.CheckKnown({"covariance"});
    const std::string covariance = spec.Text("covariance", "full");
    if (covariance != "full" && covariance != "diagonal") {
      throw InputError("gaussian_density: covariance must be full or diagonal (got '" + covariance + "')");
    }
    return std::make_unique<GaussianDensityGate>(q, K, covariance == "diagonal");
  }
  if (spec.family == "t_density") {
    spec.CheckKnown({"nu", "nu_shared"});
    const std::string nu = spec.Text("nu", "estimate");
    const std::string shared = spec.Text("nu_shared", "false");
    if (shared != "true" && shared != "false") {
      throw InputError("t_density: nu_shared must be true or false (got '" + shared + "')");
    }
    if (nu == "estimate") {
      return std::make_unique<TDensityGate>(q, K, shared == "true" ? TDensityGate::Nu::Shared : TDensityGate::Nu::PerComponent, 10.0);
    }
    const double value = spec.Number("nu", 10.0);
    if (!(value > 0.0)) throw InputError("t_density: the degrees of freedom nu must be positive (got " + nu + ")");
    return std::make_unique<TDensityGate>(q, K, TDensityGate::Nu::Fixed, value);
  }
  if (spec.family == "tree") return MakeTreeGate(spec, q, K);
  if (spec.family == "laplace_density") {
    spec.CheckKnown({});
    return std::make_unique<LaplaceDensityGate>(q, K);
  }
  std::string known;
  for (const std::string& name : GateFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown gate family '" + spec.family + "' (known: " + known + ")");
}

std::unique_ptr<Gate> MakeGate(const std::string& spec, arma::uword q, arma::uword K) {
  return MakeGate(ParseSpec(spec), q, K);
}

std::vector<std::string> GateFamilies() {
  return {"softmax", "laplace", "gaussian_kernel", "probit", "gaussian_density", "t_density", "laplace_density", "tree"};
}

}  // namespace moest
