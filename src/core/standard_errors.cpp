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
  return NegativeDifferenceJacobianByRows(
      model, data, step, threads,
      [](const Model& probe, arma::uword, const Data& rows, arma::uword, arma::uword, arma::mat& r) {
        arma::vec gradient;
        LogLikelihoodGradient(probe, rows, gradient, &r);
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

void NaturalCovariance(const arma::mat& information, const arma::mat& jacobian, const std::vector<std::string>& labels,
                       StandardErrors& se, arma::vec& seFlat, arma::mat* packedCovariance, arma::uvec* freeRows) {
  const arma::uword m = information.n_cols;
  seFlat.set_size(jacobian.n_rows);
  seFlat.fill(arma::datum::nan);
  // Natural entries that no packed parameter moves are fixed (the gate's reference column).
  std::vector<arma::uword> free;
  for (arma::uword i = 0; i < jacobian.n_rows; ++i) {
    if (m > 0 && arma::abs(jacobian.row(i)).max() > 1e-10) free.push_back(i);
  }
  arma::vec eigenvalues;
  const bool finite = information.is_finite();
  if (m > 0 && finite && arma::eig_sym(eigenvalues, information)) se.smallestEigenvalue = eigenvalues.min();
  arma::mat upper;
  const bool definite = m > 0 && finite && std::isfinite(se.smallestEigenvalue) &&
                        se.smallestEigenvalue > 1e-10 * std::max(1.0, eigenvalues.max()) &&
                        arma::chol(upper, information);
  const arma::uvec rows = arma::conv_to<arma::uvec>::from(free);
  if (freeRows != nullptr) *freeRows = rows;
  if (m == 0) {
    se.positiveDefinite = true;
  } else if (!definite) {
    se.positiveDefinite = false;
    se.message = !finite ? "the observed information has non-finite entries, so no standard errors are given"
                         : "the observed information is not positive definite (smallest eigenvalue " +
                               NumberText(se.smallestEigenvalue, "%.3g") +
                               "): the estimate is not a strict local maximum (an over-fitted, "
                               "collapsed or unidentified component), so no standard errors are given";
  } else {
    se.positiveDefinite = true;
    const arma::mat inverseUpper = arma::inv(arma::trimatu(upper));
    const arma::mat covariance = inverseUpper * inverseUpper.t();
    if (packedCovariance != nullptr) *packedCovariance = covariance;
    const arma::mat J = jacobian.rows(rows);
    se.vcov = J * covariance * J.t();
    se.vcov = 0.5 * (se.vcov + se.vcov.t());
    for (arma::uword i = 0; i < rows.n_elem; ++i) seFlat[rows[i]] = std::sqrt(std::max(0.0, se.vcov(i, i)));
  }
  se.labels.clear();
  for (arma::uword i : free) se.labels.push_back(labels[i]);
}

arma::mat CentralJacobian(const std::function<arma::vec(const arma::vec&)>& f, const arma::vec& theta,
                          const arma::uvec& moving, double step) {
  if (moving.is_empty()) return arma::mat(f(theta).n_elem, 0);
  arma::mat jacobian;
  for (arma::uword c = 0; c < moving.n_elem; ++c) {
    const arma::uword j = moving[c];
    const double h = step * std::max(1.0, std::abs(theta[j]));
    arma::vec shifted = theta;
    shifted[j] = theta[j] + h;
    const arma::vec up = f(shifted);
    shifted[j] = theta[j] - h;
    const arma::vec down = f(shifted);
    if (c == 0) jacobian.set_size(up.n_elem, moving.n_elem);
    jacobian.col(c) = (up - down) / (2.0 * h);
  }
  return jacobian;
}

void FillBlockErrors(const Model& model, const arma::vec& seFlat, StandardErrors& se) {
  arma::uword at = 0;
  se.gate = Refill(model.gate().Blocks(), seFlat, at);
  se.experts.clear();
  for (arma::uword k = 0; k < model.K(); ++k) se.experts.push_back(Refill(model.expert(k).Blocks(), seFlat, at));
}

StandardErrors ComputeStandardErrors(const Model& model, const Data& data, const arma::uvec& freeCoordinates,
                                     StandardErrorType type, const InformationOptions& options) {
  StandardErrors se;
  se.computed = true;
  se.method = StandardErrorTypeName(type);
  std::vector<std::string> labels;
  FlattenNatural(model, &labels);
  const arma::vec theta = PackModel(model);
  const arma::uvec moving = freeCoordinates.is_empty() ? AllCoordinates(theta.n_elem) : freeCoordinates;
  const arma::uword m = moving.n_elem;
  arma::vec seFlat;

  // The Jacobian of the natural parameters in the free packed ones, by central differences.
  Model probe = model;
  const arma::mat jacobian = CentralJacobian(
      [&](const arma::vec& shifted) {
        UnpackModel(probe, shifted);
        return FlattenNatural(probe);
      },
      theta, moving, 1e-6);
  arma::mat information;
  if (m > 0) {
    information = options.observed != nullptr ? options.observed->submat(moving, moving)
                                              : ObservedInformation(model, data, 1e-5, options.threads).submat(moving, moving);
  }
  arma::mat packedCovariance;
  arma::uvec rows;
  NaturalCovariance(information, jacobian, labels, se, seFlat, &packedCovariance, &rows);
  if (se.positiveDefinite && m > 0 && type == StandardErrorType::Sandwich) {
    const arma::mat J = jacobian.rows(rows);
    const arma::mat scores = RowScores(model, data).cols(moving);
    const arma::mat meat = scores.t() * scores;
    const arma::mat sandwich = packedCovariance * meat * packedCovariance;
    se.observedVcov = se.vcov;
    se.vcov = J * sandwich * J.t();
    se.vcov = 0.5 * (se.vcov + se.vcov.t());
    for (arma::uword i = 0; i < rows.n_elem; ++i) seFlat[rows[i]] = std::sqrt(std::max(0.0, se.vcov(i, i)));
  }

  FillBlockErrors(model, seFlat, se);
  return se;
}

}  // namespace moest
