#include "moest/expert/registry.hpp"

#include "moest/errors.hpp"
#include "moest/expert/gaussian.hpp"

namespace moest {

std::unique_ptr<Expert> MakeExpert(const std::string& family, arma::uword p) {
  if (family == "gaussian") return std::make_unique<GaussianExpert>(p);
  std::string known;
  for (const std::string& name : ExpertFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown expert family '" + family + "' (known: " + known + ")");
}

std::vector<std::string> ExpertFamilies() { return {"gaussian"}; }

}  // namespace moest
