#include "moest/model/predict.hpp"

#include "moest/errors.hpp"
#include "moest/expert/mvn.hpp"
#include "moest/model/kernels.hpp"

namespace moest {

arma::mat PredictExpertMeans(const Model& model, const Data& data) {
  arma::mat means(data.N(), model.K());
  arma::vec mean;
  for (arma::uword k = 0; k < model.K(); ++k) {
    model.expert(k).Mean(data, mean);
    means.col(k) = mean;
  }
  return means;
}

arma::mat PredictGate(const Model& model, const Data& data) {
  arma::mat logG;
  model.gate().LogWeights(data, logG);
  kernels::Exp(logG.memptr(), logG.n_elem, logG.memptr());  // vectorised (arma::exp is std::exp per cell)
  return logG;
}

arma::vec PredictMean(const Model& model, const Data& data) {
  return arma::sum(PredictGate(model, data) % PredictExpertMeans(model, data), 1);
}

arma::mat PredictResponseMeans(const Model& model, const Data& data) {
  const arma::mat gate = PredictGate(model, data);
  arma::mat out, mean;
  for (arma::uword k = 0; k < model.K(); ++k) {
    model.expert(k).ResponseMeans(data, mean);
    if (k == 0) out.zeros(mean.n_rows, mean.n_cols);
    out += mean.each_col() % gate.col(k);
  }
  return out;
}

arma::cube PredictResponseCovariances(const Model& model, const Data& data) {
  const arma::mat gate = PredictGate(model, data);
  const arma::mat mixtureMean = PredictResponseMeans(model, data);
  const arma::uword n = data.N(), d = mixtureMean.n_cols;
  arma::cube out(d, d, n, arma::fill::zeros);
  arma::mat mean;
  for (arma::uword k = 0; k < model.K(); ++k) {
    const auto* expert = dynamic_cast<const MvnExpert*>(&model.expert(k));
    if (expert == nullptr) {
      throw InputError("response covariances need mvn experts, but expert " + std::to_string(k + 1) + " is " +
                       model.expert(k).Family());
    }
    expert->ResponseMeans(data, mean);
    const arma::mat covariance = expert->Covariance();
    for (arma::uword i = 0; i < n; ++i) {
      out.slice(i) += gate(i, k) * (covariance + mean.row(i).t() * mean.row(i));
    }
  }
  for (arma::uword i = 0; i < n; ++i) out.slice(i) -= mixtureMean.row(i).t() * mixtureMean.row(i);
  return out;
}

arma::mat PredictPosterior(const Model& model, const Data& data) {
  arma::mat posterior;
  model.LogLikelihood(data, &posterior);
  return posterior;
}

arma::vec PredictDensity(const Model& model, const Data& data) {
  arma::mat logJoint;
  model.LogJoint(data, logJoint);
  arma::vec rowLse;
  NormaliseRows(logJoint, &rowLse);
  if (model.gate().IsJoint()) {
    // A density gate's LogJoint holds p(x, y): divide by the marginal density of x.
    arma::mat logWeights;
    arma::vec marginal;
    model.gate().LogJointWeights(data, logWeights);
    NormaliseRows(logWeights, &marginal);
    rowLse -= marginal;
  }
  kernels::Exp(rowLse.memptr(), rowLse.n_elem, rowLse.memptr());
  return rowLse;
}

}  // namespace moest
