#include "moest/model/model.hpp"

#include "moest/errors.hpp"
#include "moest/expert/registry.hpp"
#include "moest/gate/registry.hpp"
#include "moest/model/kernels.hpp"

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
  gate_->LogJointWeights(data, logJoint);
  for (arma::uword k = 0; k < experts_.size(); ++k) {
    experts_[k]->LogDensity(data, scratch_.value);
    logJoint.col(k) += scratch_.value;
  }
}

double Model::EStep(const Data& data, arma::mat& responsibilities) const {
  // The log joint is formed in the responsibilities' own buffer and normalised in place: one n x K
  // buffer, not two.
  LogJoint(data, responsibilities);
  return kernels::Responsibilities(responsibilities.memptr(), responsibilities.n_rows, responsibilities.n_cols,
                                   responsibilities.memptr());
}

double Model::LogLikelihood(const Data& data, arma::mat* responsibilities) const {
  return EStep(data, responsibilities != nullptr ? *responsibilities : logJoint_.value);
}

double Model::ConditionalLogLikelihood(const Data& data) const {
  const double logLik = LogLikelihood(data);
  if (!gate_->IsJoint()) return logLik;
  arma::mat logWeights;
  gate_->LogJointWeights(data, logWeights);
  return logLik - NormaliseRows(logWeights);
}

arma::uword Model::NumParameters() const {
  arma::uword count = gate_->NumParameters();
  for (const auto& expert : experts_) count += expert->NumParameters();
  return count;
}

double NormaliseRows(arma::mat& logJoint, arma::vec* rowLse) {
  if (rowLse != nullptr) rowLse->set_size(logJoint.n_rows);
  return kernels::NormaliseRows(logJoint.memptr(), logJoint.n_rows, logJoint.n_cols,
                                rowLse != nullptr ? rowLse->memptr() : nullptr);
}

}  // namespace moest
