#include "moest/mixed/section.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "moest/io/number_text.hpp"

namespace moest {

RandomEffectsSection MakeRandomEffectsSection(const MixedFit& fit, const std::string& group,
                                              const std::vector<std::string>& terms,
                                              const std::vector<std::string>& groupLabels,
                                              const std::vector<std::string>& randomDesign) {
  RandomEffectsSection r;
  r.present = true;
  r.placement = PlacementName(fit.placement);
  r.group = group;
  r.terms = terms;
  r.integration = fit.integration;
  r.quadratureOrder = fit.quadratureOrder;
  r.nodesPerGroup = fit.nodesPerGroup;
  r.varianceComponents = fit.varianceComponents;
  r.varianceSe = fit.varianceSe;
  if (fit.placement == RandomPlacement::Gate) r.randomDesign = randomDesign;
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
  // The standard error of entry (a, b) of variance component `c`, as text ("" when none).
  auto errorOf = [&](arma::uword c, arma::uword a, arma::uword b) -> std::string {
    if (c >= r.varianceSe.size() || a >= r.varianceSe[c].n_rows || b >= r.varianceSe[c].n_cols) return "";
    const double se = r.varianceSe[c](a, b);
    return std::isfinite(se) ? " (s.e. " + NumberText(se, "%.3g") + ")" : "";
  };
  if (r.placement == "gate" && !r.varianceComponents.empty()) {
    // The random effects of each component's logit against the reference: intercept, then slopes.
    const arma::mat& v = r.varianceComponents[0];
    const arma::uword terms = std::max<arma::uword>(1, v.n_rows / std::max<arma::uword>(1, K));
    out << "  logit variance (vs Comp.1), std. dev.";
    if (!r.varianceSe.empty()) out << ", standard error of the variance";
    out << "\n";
    for (arma::uword k = 1; k < K && (k + 1) * terms <= v.n_rows; ++k) {
      for (arma::uword a = 0; a < terms; ++a) {
        const arma::uword i = k * terms + a;
        out << "  Comp." << k + 1;
        if (terms > 1) out << "  " << (a < r.randomDesign.size() ? r.randomDesign[a] : "w" + std::to_string(a + 1));
        out << "  " << NumberText(v(i, i), "%.4g") << "  " << NumberText(std::sqrt(v(i, i)), "%.4g") << errorOf(0, i, i);
        for (arma::uword b = 0; b < a; ++b) {
          const arma::uword j = k * terms + b;
          out << "  corr with " << (b < r.randomDesign.size() ? r.randomDesign[b] : "w" + std::to_string(b + 1)) << " "
              << NumberText(v(i, j) / std::sqrt(v(i, i) * v(j, j)), "%.4g");
        }
        out << "\n";
      }
    }
  } else {
    for (arma::uword k = 0; k < r.varianceComponents.size(); ++k) {
      const arma::mat& v = r.varianceComponents[k];
      out << "  Comp." << k + 1 << ":";
      for (arma::uword a = 0; a < v.n_rows; ++a) {
        const std::string name = a < r.terms.size() ? r.terms[a] : "b" + std::to_string(a + 1);
        out << "  " << name << " variance " << NumberText(v(a, a), "%.4g") << errorOf(k, a, a) << " (sd "
            << NumberText(std::sqrt(v(a, a)), "%.4g") << ")";
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
