#include "moest/solver/standard_errors.hpp"

#include <cmath>

#include "moest/errors.hpp"
#include "moest/io/number_text.hpp"
#include "moest/model/packing.hpp"
#include "moest/options.hpp"
#include "moest/solver/information_columns.hpp"

namespace moest {

namespace {

void AppendBlocks(const ParameterBlocks& blocks, const std::string& owner, std::vector<double>& values,
                  std::vector<std::string>* labels) {
  for (const ParameterBlock& block : blocks) {
    for (arma::uword c = 0; c < block.value.n_cols; ++c) {
      for (arma::uword r = 0; r < block.value.n_rows; ++r) {
        values.push_back(block.value(r, c));
        if (labels == nullptr) continue;
        std::string label = owner + "." + block.name;
        if (block.value.n_elem > 1) {
          label += "[" + std::to_string(r + 1);
          if (block.value.n_cols > 1) label += "," + std::to_string(c + 1);
          label += "]";
        }
        labels->push_back(label);
      }
    }
  }
}

// Blocks with every value replaced, in order, from `flat` starting at `at`.
ParameterBlocks Refill(const ParameterBlocks& shape, const arma::vec& flat, arma::uword& at) {
  ParameterBlocks out = shape;
  for (ParameterBlock& block : out) {
    for (arma::uword c = 0; c < block.value.n_cols; ++c) {
      for (arma::uword r = 0; r < block.value.n_rows; ++r) block.value(r, c) = flat[at++];
    }
  }
  return out;
}

}  // namespace

std::string StandardErrorTypeName(StandardErrorType type) {
  return type == StandardErrorType::Sandwich ? "sandwich" : "observed";
}

StandardErrorType StandardErrorTypeFromName(const std::string& name) {
  if (name == "observed") return StandardErrorType::Observed;
  if (name == "sandwich") return StandardErrorType::Sandwich;
  throw InputError("unknown standard-error type '" + name + "' (choose observed, sandwich or none)");
}

void SetStandardErrorChoice(FitOptions& options, const std::string& name) {
  if (name == "none") {
    options.standardErrors = false;
    return;
  }
  options.standardErrorType = StandardErrorTypeFromName(name);
  options.standardErrors = true;
}

arma::uvec AllCoordinates(arma::uword n) {
  arma::uvec all(n);
  for (arma::uword j = 0; j < n; ++j) all[j] = j;
  return all;
}

arma::mat ObservedInformation(const Model& model, const Data& data, double step, int threads) {
  return NegativeDifferenceJacobian(model, step, threads, [&data](const Model& probe, arma::uword, arma::mat& r) {
    arma::vec gradient;
    LogLikelihoodGradient(probe, data, gradient, &r);
    return gradient;
  });
}

arma::vec FlattenNatural(const Model& model, std::vector<std::string>* labels) {
  std::vector<double> values;
  AppendBlocks(model.gate().Blocks(), "gate", values, labels);
  for (arma::uword k = 0; k < model.K(); ++k) {
    AppendBlocks(model.expert(k).Blocks(), "expert " + std::to_string(k + 1), values, labels);
  }
  return arma::vec(values);
}

StandardErrors ComputeStandardErrors(const Model& model, const Data& data, const arma::uvec& freeCoordinates,
                                     StandardErrorType type, const InformationOptions& options) {
  StandardErrors se;
  se.computed = true;
  se.method = StandardErrorTypeName(type);
  std::vector<std::string> labels;
  const arma::vec natural = FlattenNatural(model, &labels);
  const arma::vec theta = PackModel(model);
  const arma::uvec moving = freeCoordinates.is_empty() ? AllCoordinates(theta.n_elem) : freeCoordinates;
  const arma::uword m = moving.n_elem;
  arma::vec seFlat(natural.n_elem, arma::fill::value(arma::datum::nan));

  // The Jacobian of the natural parameters in the free packed ones, by central differences.
  Model probe = model;
  arma::mat jacobian(natural.n_elem, m);
  for (arma::uword c = 0; c < m; ++c) {
    const arma::uword j = moving[c];
    const double h = 1e-6 * std::max(1.0, std::abs(theta[j]));
    arma::vec shifted = theta;
    shifted[j] = theta[j] + h;
    UnpackModel(probe, shifted);
    const arma::vec up = FlattenNatural(probe);
    shifted[j] = theta[j] - h;
    UnpackModel(probe, shifted);
    jacobian.col(c) = (up - FlattenNatural(probe)) / (2.0 * h);
  }
  // Natural entries that no packed parameter moves are fixed (the gate's reference column).
  std::vector<arma::uword> free;
  for (arma::uword i = 0; i < natural.n_elem; ++i) {
    if (m > 0 && arma::abs(jacobian.row(i)).max() > 1e-10) free.push_back(i);
  }

  arma::mat information;
  if (m > 0) {
    information = options.observed != nullptr ? options.observed->submat(moving, moving)
                                              : ObservedInformation(model, data, 1e-5, options.threads).submat(moving, moving);
  }
  arma::vec eigenvalues;
  const bool finite = information.is_finite();
  if (m > 0 && finite && arma::eig_sym(eigenvalues, information)) se.smallestEigenvalue = eigenvalues.min();
  arma::mat upper;
  const bool definite = m > 0 && finite && std::isfinite(se.smallestEigenvalue) &&
                        se.smallestEigenvalue > 1e-10 * std::max(1.0, eigenvalues.max()) &&
                        arma::chol(upper, information);
  if (m == 0) {
    se.positiveDefinite = true;
  } else if (!definite) {
    se.message = !finite ? "the observed information has non-finite entries, so no standard errors are given"
                         : "the observed information is not positive definite (smallest eigenvalue " +
                               NumberText(se.smallestEigenvalue, "%.3g") +
                               "): the estimate is not a strict local maximum (an over-fitted, "
                               "collapsed or unidentified component), so no standard errors are given";
  } else {
    se.positiveDefinite = true;
    const arma::mat inverseUpper = arma::inv(arma::trimatu(upper));
    const arma::mat packedCovariance = inverseUpper * inverseUpper.t();
    const arma::uvec rows = arma::conv_to<arma::uvec>::from(free);
    const arma::mat J = jacobian.rows(rows);
    se.vcov = J * packedCovariance * J.t();
    se.vcov = 0.5 * (se.vcov + se.vcov.t());
    if (type == StandardErrorType::Sandwich) {
      const arma::mat scores = RowScores(model, data).cols(moving);
      const arma::mat meat = scores.t() * scores;
      const arma::mat sandwich = packedCovariance * meat * packedCovariance;
      se.observedVcov = se.vcov;
      se.vcov = J * sandwich * J.t();
      se.vcov = 0.5 * (se.vcov + se.vcov.t());
    }
    for (arma::uword i = 0; i < rows.n_elem; ++i) seFlat[rows[i]] = std::sqrt(std::max(0.0, se.vcov(i, i)));
  }
  for (arma::uword i : free) se.labels.push_back(labels[i]);

  arma::uword at = 0;
  se.gate = Refill(model.gate().Blocks(), seFlat, at);
  for (arma::uword k = 0; k < model.K(); ++k) se.experts.push_back(Refill(model.expert(k).Blocks(), seFlat, at));
  return se;
}

}  // namespace moest
