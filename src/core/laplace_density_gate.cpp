#include "moest/gate/laplace_density.hpp"

#include <cmath>

#include "moest/errors.hpp"

namespace moest {

double WeightedMedian(const arma::vec& values, const arma::vec& weights) {
  const arma::uvec order = arma::sort_index(values);
  const double half = 0.5 * arma::accu(weights);
  double below = 0.0;
  for (arma::uword at = 0; at < order.n_elem; ++at) {
    below += weights[order[at]];
    if (below > half) return values[order[at]];
    if (below == half) {
      // Every point between this value and the next one minimises the weighted absolute deviation.
      arma::uword next = at + 1;
      while (next < order.n_elem && weights[order[next]] == 0.0) ++next;
      return next < order.n_elem ? 0.5 * (values[order[at]] + values[order[next]]) : values[order[at]];
    }
  }
  return values[order[order.n_elem - 1]];
}

LaplaceDensityGate::LaplaceDensityGate(arma::uword q, arma::uword K) : DensityGate(q, K) {
  location_.zeros(Dimension(), K);
  scale_.ones(Dimension(), K);
}

void LaplaceDensityGate::LogDensities(const arma::mat& x, arma::mat& out) const {
  const arma::uword K = location_.n_cols;
  out.zeros(x.n_rows, K);
  for (arma::uword k = 0; k < K; ++k) {
    for (arma::uword j = 0; j < x.n_cols; ++j) {
      const double b = scale_(j, k);
      out.col(k) -= std::log(2.0 * b) + arma::abs(x.col(j) - location_(j, k)) / b;
    }
  }
}

StepReport LaplaceDensityGate::FitDensities(const arma::mat& x, const arma::mat& r) {
  StepReport report;
  const arma::vec floor = 1e-4 * arma::sqrt(ScaleFloor(x) / 1e-8);
  for (arma::uword k = 0; k < location_.n_cols; ++k) {
    const double total = arma::accu(r.col(k));
    if (!(total > 0.0)) continue;
    for (arma::uword j = 0; j < x.n_cols; ++j) {
      location_(j, k) = WeightedMedian(x.col(j), r.col(k));
      double b = arma::dot(r.col(k), arma::abs(x.col(j) - location_(j, k))) / total;
      if (!(b >= floor[j])) {
        b = floor[j];
        report.varianceFloorBound = true;
        report.note = "a scale of gate component " + std::to_string(k + 1) + " was raised to its floor";
      }
      scale_(j, k) = b;
    }
  }
  return report;
}

arma::vec LaplaceDensityGate::PackDensities() const {
  return arma::join_cols(arma::vectorise(location_), arma::vectorise(arma::log(scale_)));
}

void LaplaceDensityGate::UnpackDensities(const arma::vec& theta) {
  const arma::uword q = location_.n_rows, K = location_.n_cols;
  location_ = arma::reshape(theta.head(q * K), q, K);
  scale_ = arma::exp(arma::reshape(theta.subvec(q * K, 2 * q * K - 1), q, K));
}

void LaplaceDensityGate::GradDensities(const arma::mat& x, const arma::mat& w, arma::vec& g) const {
  const arma::uword q = location_.n_rows, K = location_.n_cols;
  arma::mat locationGrad(q, K), logScaleGrad(q, K);
  for (arma::uword k = 0; k < K; ++k) {
    for (arma::uword j = 0; j < q; ++j) {
      const double b = scale_(j, k);
      const arma::vec d = x.col(j) - location_(j, k);
      locationGrad(j, k) = arma::dot(w.col(k), arma::sign(d)) / b;
      logScaleGrad(j, k) = arma::dot(w.col(k), arma::abs(d) / b - 1.0);
    }
  }
  g = arma::join_cols(arma::vectorise(locationGrad), arma::vectorise(logScaleGrad));
}

ParameterBlocks LaplaceDensityGate::DensityBlocks() const { return {{"location", location_}, {"scale", scale_}}; }

void LaplaceDensityGate::SetDensityBlocks(const ParameterBlocks& blocks) {
  const std::string owner = "laplace_density gate";
  const arma::mat location = FindBlock(blocks, "location", location_.n_rows, location_.n_cols, owner);
  const arma::mat scale = FindBlock(blocks, "scale", scale_.n_rows, scale_.n_cols, owner);
  if (!scale.is_finite() || scale.min() <= 0.0) throw InputError("the scales of the " + owner + " must be positive");
  location_ = location;
  scale_ = scale;
}

}  // namespace moest
