#include "moest/mixed/fit_mixed.hpp"

#include "moest/blas_threads.hpp"
#include "moest/errors.hpp"
#include "moest/solver/fit.hpp"

namespace moest {

std::string PlacementName(RandomPlacement placement) {
  return placement == RandomPlacement::Gate ? "gate" : "expert";
}

RandomPlacement PlacementFromName(const std::string& name) {
  if (name == "gate") return RandomPlacement::Gate;
  if (name == "expert") return RandomPlacement::Expert;
  throw InputError("the random-effect placement must be 'gate' or 'expert' (got '" + name + "')");
}

namespace {

bool IsInterceptColumn(const arma::mat& z) { return z.n_cols == 1 && arma::all(arma::vectorise(z) == 1.0); }

/** InputError unless the families suit the placement. */
void CheckFamilies(const Model& prototype, const MixedOptions& options) {
  if (options.placement == RandomPlacement::Gate) {
    if (prototype.gate().Family() != "softmax" || !prototype.gate().Spec().options.empty()) {
      throw InputError("random effects in the gate need the plain softmax gate (got '" +
                       prototype.gate().Spec().ToString() + "')");
    }
    if (options.quadratureOrder < 1 && options.monteCarloSize < 1) {
      throw InputError("the quadrature order (or the Monte Carlo size) must be at least 1");
    }
    return;
  }
  for (arma::uword k = 0; k < prototype.K(); ++k) {
    if (prototype.expert(k).Family() != "gaussian") {
      throw InputError("random effects in the experts need Gaussian experts (got '" + prototype.expert(k).Family() +
                       "')");
    }
  }
  if (prototype.gate().IsJoint()) {
    throw InputError("random effects in the experts need a conditional gate (got the density gate '" +
                     prototype.gate().Family() + "')");
  }
}

std::string TermName(const MixedOptions& options, arma::uword m) {
  return m < options.randomTerms.size() ? options.randomTerms[m] : "random term " + std::to_string(m + 1);
}

/** The names of the random terms that are not constant (the slopes), for messages. */
std::string SlopeNames(const arma::mat& z, const MixedOptions& options) {
  std::string out;
  for (arma::uword m = 0; m < z.n_cols; ++m) {
    if (arma::all(z.col(m) == z(0, m))) continue;
    out += (out.empty() ? "'" : ", '") + TermName(options, m) + "'";
  }
  return out;
}

/** InputError when a slope is constant within every group: its random slope is a random intercept. */
void CheckSlopesVaryWithinGroups(const arma::mat& z, const GroupIndex& groups, const MixedOptions& options) {
  for (arma::uword m = 0; m < z.n_cols; ++m) {
    if (arma::all(z.col(m) == z(0, m))) continue;
    bool varies = false;
    for (arma::uword g = 0; g < groups.G() && !varies; ++g) {
      const arma::vec values = z.col(m);
      const arma::vec within = values.elem(groups.members[g]);
      varies = arma::any(within != within(0));
    }
    if (!varies) {
      throw InputError("random slope '" + TermName(options, m) + "' is constant within every group of '" +
                       options.groupName + "': its random slope cannot be told from the random intercept "
                       "(use it as a fixed effect, or drop it from the random term)");
    }
  }
}

}  // namespace

MixedFit FitMixed(const Model& prototype, const Data& data, const arma::mat& randomDesign,
                  const MixedOptions& options, Observer& observer) {
  const OneBlasThread blas;  // moest's threads are the parallel ones (moest/blas_threads.hpp)
  if (data.group == nullptr) throw InputError("a mixed-effects fit needs a group column");
  if (data.offset != nullptr) throw InputError("an offset is not supported in mixed-effects fits");
  CheckFamilies(prototype, options);
  ValidateFitInput(prototype, data, options.fit);
  if (options.fit.em.variant != EmVariant::Standard) {
    throw InputError("the EM variant " + EmVariantName(options.fit.em.variant) +
                     " is not available for a mixed-effects fit (use the standard EM)");
  }
  if (options.fit.standardErrorType == StandardErrorType::Sandwich) {
    throw InputError("sandwich standard errors are not available for a mixed-effects fit (its rows are not "
                     "independent within a group): use the observed information");
  }
  if (randomDesign.n_rows != data.N() || randomDesign.n_cols < 1) {
    throw InputError("the random-effect design must have one row per observation and at least one column");
  }
  if (!randomDesign.is_finite()) throw InputError("the random-effect design has a non-finite value");
  const bool slopes = !IsInterceptColumn(randomDesign);
  const GroupIndex groups = IndexGroups(*data.group, data.N(), options.groupName, slopes, options.groupLabels,
                                        SlopeNames(randomDesign, options));
  if (slopes) CheckSlopesVaryWithinGroups(randomDesign, groups, options);
  if (options.placement == RandomPlacement::Gate) {
    MixedOptions gateOptions = options;
    if (gateOptions.dimension == 0) gateOptions.dimension = randomDesign.n_cols;
    return FitRandomGate(prototype, data, randomDesign, groups, gateOptions, observer);
  }
  return FitRandomExpert(prototype, data, randomDesign, groups, options, observer);
}

}  // namespace moest
