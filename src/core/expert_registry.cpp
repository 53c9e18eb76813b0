#include "moest/expert/registry.hpp"

#include "moest/errors.hpp"
#include "moest/expert/gaussian.hpp"

namespace moest {

std::unique_ptr<Expert> MakeExpert(const ComponentSpec& spec, arma::uword p) {
  // One line per family (each family checks its own options).
  if (spec.family == "gaussian") {
    spec.CheckKnown({});
    return std::make_unique<GaussianExpert>(p);
  }
  std::string known;
  for (const std::string& name : ExpertFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown expert family '" + spec.family + "' (known: " + known + ")");
}

std::unique_ptr<Expert> MakeExpert(const std::string& spec, arma::uword p) { return MakeExpert(ParseSpec(spec), p); }

std::vector<std::string> ExpertFamilies() { return {"gaussian"}; }

}  // namespace moest
