#include "moest/model/predict.hpp"

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
  return arma::exp(logG);
}

arma::vec PredictMean(const Model& model, const Data& data) {
  return arma::sum(PredictGate(model, data) % PredictExpertMeans(model, data), 1);
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
  return arma::exp(rowLse);
}

}  // namespace moest
