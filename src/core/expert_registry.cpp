#include "moest/expert/registry.hpp"

#include "moest/errors.hpp"
#include "moest/expert/gaussian.hpp"
#include "moest/expert/multinomial.hpp"
#include "moest/expert/mvn.hpp"
#include "moest/expert/poisson.hpp"
#include "moest/expert/student_t.hpp"

namespace moest {

std::unique_ptr<Expert> MakeExpert(const ComponentSpec& spec, arma::uword p) {
  // One line per family (each family checks its own options).
  if (spec.family == "gaussian") {
    spec.CheckKnown({});
    return std::make_unique<GaussianExpert>(p);
  }
  if (spec.family == "t") {
    spec.CheckKnown({"nu"});
    const std::string nu = spec.Text("nu", "estimate");
    if (nu == "estimate") return std::make_unique<StudentTExpert>(p, 10.0, true);
    return std::make_unique<StudentTExpert>(p, spec.Number("nu", 10.0), false);
  }
  if (spec.family == "poisson") {
    spec.CheckKnown({});
    return std::make_unique<PoissonExpert>(p);
  }
  if (spec.family == "multinomial") {
    spec.CheckKnown({"classes"});
    return std::make_unique<MultinomialExpert>(p, static_cast<arma::uword>(spec.Integer("classes", 2, 2)));
  }
  if (spec.family == "mvn") {
    spec.CheckKnown({"dimension"});
    return std::make_unique<MvnExpert>(p, static_cast<arma::uword>(spec.Integer("dimension", 1, 1)));
  }
  std::string known;
  for (const std::string& name : ExpertFamilies()) known += (known.empty() ? "" : ", ") + name;
  throw InputError("unknown expert family '" + spec.family + "' (known: " + known + ")");
}

std::unique_ptr<Expert> MakeExpert(const std::string& spec, arma::uword p) { return MakeExpert(ParseSpec(spec), p); }

std::vector<std::string> ExpertFamilies() { return {"gaussian", "t", "poisson", "multinomial", "mvn"}; }

}  // namespace moest
