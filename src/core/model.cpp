#include "moest/model/model.hpp"

#include <cmath>
#include <limits>

#include "moest/errors.hpp"
#include "moest/expert/registry.hpp"
#include "moest/gate/registry.hpp"

namespace moest {

Model::Model(std::unique_ptr<Gate> gate, std::vector<std::unique_ptr<Expert>> experts)
    : gate_(std::move(gate)), experts_(std::move(experts)) {
  if (!gate_) throw InputError("a model needs a gate");
  if (gate_->NumComponents() != experts_.size()) {
    throw InputError("the gate has " + std::to_string(gate_->NumComponents()) + " components but " +
                     std::to_string(experts_.size()) + " experts were given");
  }
}

Model Model::Make(const std::string& expertFamily, const std::string& gateFamily, arma::uword p,
                  arma::uword q, arma::uword K) {
  if (K < 1) throw InputError("K must be at least 1 (got " + std::to_string(K) + ")");
  std::vector<std::unique_ptr<Expert>> experts;
  for (arma::uword k = 0; k < K; ++k) experts.push_back(MakeExpert(expertFamily, p));
  return Model(MakeGate(gateFamily, q, K), std::move(experts));
}

Model::Model(const Model& other) { *this = other; }

Model& Model::operator=(const Model& other) {
  if (this == &other) return *this;
  gate_ = other.gate_ ? other.gate_->Clone() : nullptr;
  experts_.clear();
  for (const auto& expert : other.experts_) experts_.push_back(expert->Clone());
  return *this;
}

void Model::LogJoint(const Data& data, arma::mat& logJoint) const {
  gate_->LogWeights(data, logJoint);
  arma::vec logDensity;
  for (arma::uword k = 0; k < experts_.size(); ++k) {
    experts_[k]->LogDensity(data, logDensity);
    logJoint.col(k) += logDensity;
  }
}

double Model::LogLikelihood(const Data& data, arma::mat* responsibilities) const {
  arma::mat logJoint;
  LogJoint(data, logJoint);
  const double logLik = NormaliseRows(logJoint);
  if (responsibilities != nullptr) *responsibilities = arma::exp(logJoint);
  return logLik;
}

arma::uword Model::NumParameters() const {
  arma::uword count = gate_->NumParameters();
  for (const auto& expert : experts_) count += expert->NumParameters();
  return count;
}

double NormaliseRows(arma::mat& logJoint, arma::vec* rowLse) {
  const arma::uword n = logJoint.n_rows;
  const arma::uword K = logJoint.n_cols;
  arma::vec lse(n);
  // Column-major storage: find row maxima column by column, then sum exponentials the same way.
  arma::vec rowMax = logJoint.col(0);
  for (arma::uword k = 1; k < K; ++k) {
    const double* col = logJoint.colptr(k);
    for (arma::uword i = 0; i < n; ++i) rowMax[i] = std::max(rowMax[i], col[i]);
  }
  arma::vec sum(n, arma::fill::zeros);
  for (arma::uword k = 0; k < K; ++k) {
    const double* col = logJoint.colptr(k);
    for (arma::uword i = 0; i < n; ++i) sum[i] += std::exp(col[i] - rowMax[i]);
  }
  double total = 0.0;
  for (arma::uword i = 0; i < n; ++i) {
    // A row whose every entry is -inf has probability zero: keep -inf rather than NaN.
    lse[i] = std::isfinite(rowMax[i]) ? rowMax[i] + std::log(sum[i]) : rowMax[i];
    total += lse[i];
  }
  for (arma::uword k = 0; k < K; ++k) {
    double* col = logJoint.colptr(k);
    for (arma::uword i = 0; i < n; ++i) col[i] -= lse[i];
  }
  if (rowLse != nullptr) *rowLse = std::move(lse);
  return total;
}

}  // namespace moest
