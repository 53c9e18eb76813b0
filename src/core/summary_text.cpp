#include "moest/io/summary_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "moest/gate/tree.hpp"

namespace moest {

namespace {

std::string Format(double value, const char* format = "%.6g") {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// Row names on the left, one right-aligned column of numbers per header.
std::string Table(const std::vector<std::string>& rows, const std::vector<std::string>& headers,
                  const arma::mat& values) {
  std::size_t nameWidth = 0;
  for (const std::string& row : rows) nameWidth = std::max(nameWidth, row.size());
  std::vector<std::vector<std::string>> cells(values.n_rows, std::vector<std::string>(values.n_cols));
  std::vector<std::size_t> widths(values.n_cols);
  for (arma::uword j = 0; j < values.n_cols; ++j) {
    widths[j] = headers[j].size();
    for (arma::uword i = 0; i < values.n_rows; ++i) {
      cells[i][j] = std::isnan(values(i, j)) ? "NA" : Format(values(i, j));
      widths[j] = std::max(widths[j], cells[i][j].size());
    }
  }
  std::ostringstream out;
  out << std::string(nameWidth, ' ');
  for (arma::uword j = 0; j < values.n_cols; ++j) {
    out << "  " << std::string(widths[j] - headers[j].size(), ' ') << headers[j];
  }
  out << "\n";
  for (arma::uword i = 0; i < values.n_rows; ++i) {
    out << rows[i] << std::string(nameWidth - rows[i].size(), ' ');
    for (arma::uword j = 0; j < values.n_cols; ++j) {
      out << "  " << std::string(widths[j] - cells[i][j].size(), ' ') << cells[i][j];
    }
    out << "\n";
  }
  return out.str();
}

std::vector<std::string> ComponentHeaders(arma::uword from, arma::uword K) {
  std::vector<std::string> headers;
  for (arma::uword k = from; k < K; ++k) headers.push_back("Comp." + std::to_string(k + 1));
  return headers;
}

// A density gate's blocks, each under its name. Per-component matrices ("covariance.2") are shown by
// covariate; the other blocks have one column per component and, when they have one row per
// covariate, rows named by the covariates ("pi" and "nu" have one value per component).
std::string GateDensityTables(const ModelFile& file) {
  const arma::uword K = file.model.K();
  std::vector<std::string> covariates(file.gateTerms.begin() + (file.gateTerms.empty() ? 0 : 1), file.gateTerms.end());
  std::ostringstream out;
  out << "Gate densities (" << file.gateFamily << ", a density of the gate covariates per component):\n";
  for (const ParameterBlock& block : file.model.gate().Blocks()) {
    const arma::mat& value = block.value;
    std::vector<std::string> rows;
    for (arma::uword i = 0; i < value.n_rows; ++i) {
      const bool perCovariate = value.n_rows == covariates.size() && block.name != "pi" && block.name != "nu";
      rows.push_back(perCovariate ? covariates[i]
                                                       : block.name + (value.n_rows > 1 ? "[" + std::to_string(i + 1) + "]" : ""));
    }
    std::vector<std::string> headers = ComponentHeaders(0, K);
    if (block.name.find('.') != std::string::npos || value.n_cols != K) {
      headers = value.n_cols == covariates.size() ? covariates : std::vector<std::string>(value.n_cols, "");
    }
    out << block.name << ":\n" << Table(rows, headers, value);
  }
  return out.str() + "\n";
}

// A tree gate's blocks of one node ("<path>:<name>"), renamed to <name>.
ParameterBlocks NodeBlocks(const ParameterBlocks& blocks, const std::string& path) {
  ParameterBlocks out;
  for (const ParameterBlock& block : blocks) {
    if (block.name.rfind(path + ":", 0) == 0) out.push_back({block.name.substr(path.size() + 1), block.value});
  }
  return out;
}

// A tree node's children: an expert "Comp.k" or a branch "Branch.<path>".
std::vector<std::string> ChildLabels(const TreeGate::Node& node) {
  std::vector<std::string> children;
  for (std::size_t j = 0; j < node.leaves.size(); ++j) {
    const bool leaf = node.leaves[j].second == node.leaves[j].first + 1;
    const std::string path = (node.path == "root" ? "" : node.path + ".") + std::to_string(j + 1);
    children.push_back(leaf ? "Comp." + std::to_string(node.leaves[j].first + 1) : "Branch." + path);
  }
  return children;
}

// A hierarchical gate: its shape, then each node's gate with its children named (an expert Comp.k, or
// a branch by its path); the first child of a coefficient table is the node's reference.
std::string TreeGateTables(const ModelFile& file, const TreeGate& tree) {
  std::ostringstream out;
  const ParameterBlocks blocks = tree.Blocks();
  out << "Gate tree (shape " << tree.Shape().ToString() << ", " << tree.Nodes().size() << " node"
      << (tree.Nodes().size() == 1 ? "" : "s") << "; the weight of an expert is the product along its path):\n";
  for (const TreeGate::Node& node : tree.Nodes()) {
    const std::vector<std::string> children = ChildLabels(node);
    out << "Node " << node.path << " (" << node.gate->Spec().ToString() << " over " << children.size()
        << " children):\n";
    for (const ParameterBlock& block : NodeBlocks(blocks, node.path)) {
      if (block.value.n_cols != children.size()) continue;
      const bool coefficients = block.name == "coefficients" && block.value.n_rows == file.gateTerms.size();
      const arma::uword from = coefficients ? 1 : 0;
      std::vector<std::string> rows;
      for (arma::uword i = 0; i < block.value.n_rows; ++i) {
        rows.push_back(coefficients ? file.gateTerms[i]
                                    : block.name + (block.value.n_rows == 1 ? "" : "[" + std::to_string(i + 1) + "]"));
      }
      out << (coefficients ? "coefficients (" + children[0] + " is the reference)" : block.name) << ":\n";
      out << Table(rows, std::vector<std::string>(children.begin() + from, children.end()),
                   block.value.cols(from, block.value.n_cols - 1));
    }
  }
  return out.str() + "\n";
}

// One Wald row per free parameter: estimate, standard error, z and two-sided p (z and p omitted for
// scale parameters, whose null value is not 0).
void AddWaldRows(const ParameterBlocks& estimates, const ParameterBlocks& errors, const std::string& owner,
                 const std::vector<std::string>& terms, arma::uword fromColumn, std::vector<std::string>& rows,
                 std::vector<arma::rowvec>& values) {
  for (std::size_t b = 0; b < estimates.size() && b < errors.size(); ++b) {
    const arma::mat& value = estimates[b].value;
    const arma::mat& error = errors[b].value;
    if (error.n_rows != value.n_rows || error.n_cols != value.n_cols) continue;
    const bool scale = estimates[b].name != "coefficients";
    for (arma::uword c = fromColumn; c < value.n_cols; ++c) {
      for (arma::uword r = 0; r < value.n_rows; ++r) {
        std::string name = owner;
        if (value.n_cols > 1) name += "Comp." + std::to_string(c + 1) + " ";
        name += !scale && r < terms.size() ? terms[r]
                                           : estimates[b].name + (value.n_rows > 1 ? "[" + std::to_string(r + 1) + "]" : "");
        const double z = value(r, c) / error(r, c);
        const double p = std::erfc(std::abs(z) / std::sqrt(2.0));
        rows.push_back(name);
        values.push_back({value(r, c), error(r, c), scale ? arma::datum::nan : z, scale ? arma::datum::nan : p});
      }
    }
  }
}

// Response column j of a multivariate model ("y<j+1>" when the file does not name it).
std::string ResponseName(const ModelFile& file, arma::uword j) {
  return j < file.responses.size() ? file.responses[j] : "y" + std::to_string(j + 1);
}

// The name of every entry of an expert's blocks, column by column: the expert terms for coefficients,
// "<block>[i]" for the rest; for mvn experts "<response>:<term>" and "cov(<a>,<b>)" for a <= b ("" for
// the repeated lower triangle, which the tables leave out).
std::vector<std::string> ExpertParameterNames(const ParameterBlocks& blocks, const ModelFile& file, bool multivariate) {
  std::vector<std::string> names;
  for (const ParameterBlock& block : blocks) {
    const arma::uword rows = block.value.n_rows;
    for (arma::uword i = 0; i < block.value.n_elem; ++i) {
      const arma::uword r = i % rows, c = i / rows;
      const bool coefficients = block.name == "coefficients";
      if (multivariate) {
        auto response = [&](arma::uword j) { return ResponseName(file, j); };
        // The covariance once: its upper triangle (the lower entries get no name and are skipped).
        names.push_back(coefficients ? response(c) + ":" + (r < file.expertTerms.size() ? file.expertTerms[r] : "")
                        : r <= c     ? "cov(" + response(r) + "," + response(c) + ")"
                                     : "");
        continue;
      }
      names.push_back(coefficients && i < file.expertTerms.size()
                          ? file.expertTerms[i]
                          : block.name + (block.value.n_elem > 1 ? "[" + std::to_string(i + 1) + "]" : ""));
    }
  }
  return names;
}

// Wald rows of expert k: one per entry, named as in the expert table.
void AddExpertWaldRows(const ModelFile& file, arma::uword k, std::vector<std::string>& rows,
                       std::vector<arma::rowvec>& values) {
  const ParameterBlocks estimates = file.model.expert(k).Blocks();
  const ParameterBlocks& errors = file.stats.standardErrors.experts[k];
  const std::string owner = "Comp." + std::to_string(k + 1) + " ";
  if (file.model.expert(k).Family() != "mvn") {
    AddWaldRows(estimates, errors, owner, file.expertTerms, 0, rows, values);
    return;
  }
  const std::vector<std::string> names = ExpertParameterNames(estimates, file, true);
  std::size_t at = 0;
  for (std::size_t b = 0; b < estimates.size() && b < errors.size(); ++b) {
    const bool coefficients = estimates[b].name == "coefficients";
    for (arma::uword i = 0; i < estimates[b].value.n_elem; ++i, ++at) {
      if (names[at].empty()) continue;
      // A 1 x 1 block per entry: coefficients take their name from the terms, the rest from the block.
      const std::string block = coefficients ? "coefficients" : names[at];
      AddWaldRows({{block, arma::mat(1, 1, arma::fill::value(estimates[b].value(i)))}},
                  {{block, arma::mat(1, 1, arma::fill::value(errors[b].value(i)))}}, owner, {names[at]}, 0, rows,
                  values);
    }
  }
}

// mvn experts: the correlations cor(a,b), a < b, of every expert's covariance.
std::string CorrelationTable(const ModelFile& file) {
  const arma::uword K = file.model.K();
  std::vector<std::string> rows;
  arma::mat values;
  for (arma::uword k = 0; k < K; ++k) {
    const arma::mat S = FindBlock(file.model.expert(k).Blocks(), "covariance", file.model.expert(k).ResponseColumns(),
                                  file.model.expert(k).ResponseColumns(), "mvn expert");
    const arma::vec scale = arma::sqrt(S.diag());
    const arma::mat correlation = S / (scale * scale.t());
    std::vector<double> column;
    for (arma::uword b = 0; b < S.n_cols; ++b) {
      for (arma::uword a = 0; a < b; ++a) {
        column.push_back(correlation(a, b));
        if (k == 0) rows.push_back("cor(" + ResponseName(file, a) + "," + ResponseName(file, b) + ")");
      }
    }
    if (column.empty()) return "";
    if (k == 0) values.set_size(column.size(), K);
    values.col(k) = arma::vec(column);
  }
  return "Expert correlations:\n" + Table(rows, ComponentHeaders(0, K), values) + "\n";
}

std::string WaldTable(const ModelFile& file) {
  const StandardErrors& se = file.stats.standardErrors;
  if (!se.computed) return "";
  if (!se.positiveDefinite) return "Standard errors: none (" + se.message + ").\n\n";
  const Model& model = file.model;
  std::vector<std::string> rows;
  std::vector<arma::rowvec> values;
  const auto* tree = dynamic_cast<const TreeGate*>(&model.gate());
  if (tree != nullptr) {
    // One child at a time, so that each row names the node and the child it belongs to.
    for (const TreeGate::Node& node : tree->Nodes()) {
      const std::vector<std::string> children = ChildLabels(node);
      const ParameterBlocks estimates = NodeBlocks(model.gate().Blocks(), node.path);
      const ParameterBlocks errors = NodeBlocks(se.gate, node.path);
      for (std::size_t b = 0; b < estimates.size() && b < errors.size(); ++b) {
        const ParameterBlock& estimate = estimates[b];
        if (estimate.value.n_cols != children.size() || errors[b].value.n_cols != children.size()) continue;
        for (arma::uword j = estimate.name == "coefficients" ? 1 : 0; j < children.size(); ++j) {
          AddWaldRows({{estimate.name, estimate.value.col(j)}}, {{errors[b].name, errors[b].value.col(j)}},
                      "gate node " + node.path + " " + children[j] + " ", file.gateTerms, 0, rows, values);
        }
      }
    }
  } else if (model.K() > 1) {
    AddWaldRows(model.gate().Blocks(), se.gate, "gate ", file.gateTerms, 1, rows, values);
  }
  for (arma::uword k = 0; k < model.K() && k < se.experts.size(); ++k) {
    AddExpertWaldRows(file, k, rows, values);
  }
  if (rows.empty()) return "";
  arma::mat table(rows.size(), 4);
  for (std::size_t i = 0; i < rows.size(); ++i) table.row(i) = values[i];
  const std::string source = se.method == "sandwich" ? "the sandwich estimator H^-1 B H^-1 (robust to misspecification)"
                                                      : "the " + se.method + " information";
  return "Wald tests (standard errors from " + source + "; Comp.1 is the gate's reference):\n" +
         Table(rows, {"Estimate", "Std. Error", "z value", "Pr(>|z|)"}, table) + "\n";
}

}  // namespace

std::string SummaryText(const ModelFile& file) {
  const Model& model = file.model;
  const FitStatistics& s = file.stats;
  const arma::uword K = model.K();
  std::ostringstream out;
  out << "Mixture of experts: " << K << " " << file.expertFamily << " expert" << (K == 1 ? "" : "s")
      << ", " << file.gateFamily << " gate\n";
  out << "Formula: " << file.formula << "\n\n";

  // Gate table: every non-reference component's coefficients.
  const ParameterBlocks gateBlocks = model.gate().Blocks();
  if (model.gate().IsJoint()) out << GateDensityTables(file);
  const auto* tree = dynamic_cast<const TreeGate*>(&model.gate());
  if (tree != nullptr) out << TreeGateTables(file, *tree);
  for (const ParameterBlock& block : gateBlocks) {
    if (model.gate().IsJoint() || tree != nullptr) break;  // printed by GateDensityTables or TreeGateTables
    if (K > 1 && block.value.n_cols == K && block.value.n_rows == file.gateTerms.size()) {
      out << "Gate coefficients (" << file.gateFamily << ", Comp.1 is the reference):\n";
      out << Table(file.gateTerms, ComponentHeaders(1, K), block.value.cols(1, K - 1)) << "\n";
    } else if (K > 1 && block.value.n_cols == K) {
      // Other gate blocks (distance gates' centres over the covariates, biases): every component.
      std::vector<std::string> names;
      if (block.name == "centres" && block.value.n_rows + 1 == file.gateTerms.size()) {
        names.assign(file.gateTerms.begin() + 1, file.gateTerms.end());
      } else {
        for (arma::uword i = 0; i < block.value.n_rows; ++i) {
          names.push_back(block.value.n_rows == 1 ? block.name : block.name + "[" + std::to_string(i + 1) + "]");
        }
      }
      out << "Gate " << block.name << " (" << file.gateFamily << "):\n";
      out << Table(names, ComponentHeaders(0, K), block.value) << "\n";
    }
  }
  if (K == 1) out << "Gate: a single component has weight 1.\n\n";

  // Expert table: one column per component, the coefficient rows then any scale rows.
  std::vector<std::string> rows;
  arma::mat values;
  for (arma::uword k = 0; k < K; ++k) {
    const ParameterBlocks blocks = model.expert(k).Blocks();
    std::vector<double> column;
    const std::vector<std::string> all = ExpertParameterNames(blocks, file, model.expert(k).Family() == "mvn");
    std::vector<std::string> names;
    std::size_t at = 0;
    for (const ParameterBlock& block : blocks) {
      for (arma::uword i = 0; i < block.value.n_elem; ++i, ++at) {
        if (all[at].empty()) continue;
        column.push_back(block.value(i));
        names.push_back(all[at]);
      }
    }
    if (k == 0) {
      rows = names;
      values.set_size(column.size(), K);
    }
    values.col(k) = arma::vec(column);
  }
  out << "Expert parameters (" << file.expertFamily << "):\n" << Table(rows, ComponentHeaders(0, K), values) << "\n";
  if (K > 0 && model.expert(0).Family() == "mvn") out << CorrelationTable(file);

  if (file.randomEffects.present) out << RandomEffectsText(file.randomEffects, K);
  out << WaldTable(file);

  out << "Log-likelihood: " << Format(s.logLikelihood, "%.10g") << " (df = " << s.nParameters
      << "), n = " << s.n << "\n";
  if (s.objective == "joint") {
    out << "  (the joint log-likelihood of (x, y), which EM maximised; conditional log p(y | x): "
        << Format(s.conditionalLogLikelihood, "%.10g") << ")\n";
  }
  out << "AIC: " << Format(s.criteria.aic, "%.8g") << "  BIC: " << Format(s.criteria.bic, "%.8g")
      << "  ICL: " << Format(s.criteria.icl, "%.8g") << "  (smaller is better)\n";
  const std::string steps = s.solver == "mle" ? " L-BFGS improvement" : s.solver == "em+mle" ? " EM and L-BFGS step" : " EM iteration";
  out << "Status: " << StatusName(s.status) << " after " << s.iterations << steps
      << (s.iterations == 1 ? "" : "s");
  if (!s.message.empty()) out << " (" << s.message << ")";
  out << "\n";
  if (std::isfinite(s.gradientNorm)) {
    out << "Solver: " << s.solver << (s.emVariant != "standard" ? " (" + s.emVariant + " EM)" : "") << "; max |gradient of l/n| at the estimate: " << Format(s.gradientNorm, "%.3g");
    if (s.mleEvaluations > 0) out << " (" << s.mleEvaluations << " L-BFGS evaluations)";
    out << "\n";
  }
  if (!s.startLogLikelihoods.empty()) {
    double lo = arma::datum::inf;
    for (double v : s.startLogLikelihoods) {
      if (std::isfinite(v)) lo = std::min(lo, v);
    }
    out << "Starts: " << s.startLogLikelihoods.size() << " (seed " << s.seed << "), "
        << s.startsReachingBest << " reached the best log-likelihood; the worst ended at "
        << Format(lo, "%.10g") << "\n";
  }
  if (s.diagnostics.computed) {
    const ConvergenceDiagnostics& d = s.diagnostics;
    out << "Convergence: rate from the log-likelihood " << Format(d.logLikelihoodRate, "%.3g")
        << ", from the parameters " << Format(d.parameterRate, "%.3g")
        << (std::isnan(d.missingInformationRate) && s.standardErrors.method == "none"
                ? std::string()
                : ", fraction of missing information " + Format(d.missingInformationRate, "%.3g"))
        << "; Aitken's limit " << Format(d.aitkenLogLikelihood, "%.10g") << "; decreases " << d.decreases << "\n";
    if (!d.note.empty()) out << (d.rateNearOne ? "Warning: " : "  ") << d.note << "\n";
  }
  if (s.gateCapHits > 0) {
    out << "Note: the gate's Newton loop hit its iteration cap in " << s.gateCapHits << " M-step"
        << (s.gateCapHits == 1 ? "" : "s") << ".\n";
  }
  return out.str();
}

}  // namespace moest
