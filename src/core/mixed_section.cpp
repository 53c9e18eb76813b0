#include "moest/mixed/section.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "moest/io/number_text.hpp"

namespace moest {

RandomEffectsSection MakeRandomEffectsSection(const MixedFit& fit, const std::string& group,
                                              const std::vector<std::string>& terms,
                                              const std::vector<std::string>& groupLabels) {
  RandomEffectsSection r;
  r.present = true;
  r.placement = PlacementName(fit.placement);
  r.group = group;
  r.terms = terms;
  r.integration = fit.integration;
  r.quadratureOrder = fit.quadratureOrder;
  r.nodesPerGroup = fit.nodesPerGroup;
  r.varianceComponents = fit.varianceComponents;
  r.groupLabels = groupLabels;
  r.ranef = fit.ranef;
  r.ranefSd = fit.ranefSd;
  r.groupPosterior = fit.groupPosterior;
  return r;
}

std::string RandomEffectsText(const RandomEffectsSection& r, arma::uword K) {
  std::ostringstream out;
  out << "Random effects (" << r.placement << ", groups: " << r.group << ", " << r.groupLabels.size() << " groups";
  if (r.placement == "gate") {
    out << "; " << r.integration << ", " << r.nodesPerGroup << " nodes per group";
    if (r.quadratureOrder > 0) out << " (order " << r.quadratureOrder << ")";
  }
  out << "):\n";
  if (r.placement == "gate" && !r.varianceComponents.empty()) {
    // Var(beta_k'u), the variance of component k's random logit shift against the reference.
    const arma::mat& v = r.varianceComponents[0];
    out << "  logit variance (vs Comp.1)   std. dev.\n";
    for (arma::uword k = 1; k < K && k < v.n_rows; ++k) {
      out << "  Comp." << k + 1 << "  " << NumberText(v(k, k), "%.4g") << "  " << NumberText(std::sqrt(v(k, k)), "%.4g") << "\n";
    }
  } else {
    for (arma::uword k = 0; k < r.varianceComponents.size(); ++k) {
      const arma::mat& v = r.varianceComponents[k];
      out << "  Comp." << k + 1 << ":";
      for (arma::uword a = 0; a < v.n_rows; ++a) {
        const std::string name = a < r.terms.size() ? r.terms[a] : "b" + std::to_string(a + 1);
        out << "  " << name << " variance " << NumberText(v(a, a), "%.4g") << " (sd " << NumberText(std::sqrt(v(a, a)), "%.4g") << ")";
        for (arma::uword b = 0; b < a; ++b) {
          const double corr = v(a, b) / std::sqrt(v(a, a) * v(b, b));
          out << " corr with " << (b < r.terms.size() ? r.terms[b] : "b" + std::to_string(b + 1)) << " "
              << NumberText(corr, "%.4g");
        }
      }
      out << "\n";
    }
  }
  return out.str() + "\n";
}

}  // namespace moest
