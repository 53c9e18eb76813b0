#include "moest/expert/multinomial.hpp"

#include <cmath>
#include <sstream>

#include "moest/errors.hpp"
#include "moest/expert/weighted_fit.hpp"
#include "moest/expert/newton.hpp"
#include "moest/model/class_probabilities.hpp"
#include "moest/model/predict.hpp"

namespace moest {

MultinomialExpert::MultinomialExpert(arma::uword p, arma::uword classes)
    : classes_(classes), eta_(p, classes > 1 ? classes - 1 : 1, arma::fill::zeros) {
  if (classes < 2) {
    throw InputError("multinomial expert: option 'classes' must be at least 2 (got " + std::to_string(classes) + ")");
  }
}

ComponentSpec MultinomialExpert::Spec() const { return {"multinomial", {{"classes", std::to_string(classes_)}}}; }

void MultinomialExpert::ValidateResponse(const arma::mat& y) const {
  for (arma::uword i = 0; i < y.n_rows; ++i) {
    const double v = y(i, 0);
    if (!(v >= 0.0) || v != std::floor(v) || v >= static_cast<double>(classes_)) {
      std::ostringstream message;
      message << "multinomial expert: row " << i + 1 << " has class label " << v << ", but labels must be 0.."
              << classes_ - 1 << " (classes = " << classes_ << ")";
      throw InputError(message.str());
    }
  }
}

void MultinomialExpert::LogProbabilities(const arma::mat& x, const arma::mat& eta, arma::mat& out) const {
  out.set_size(x.n_rows, classes_);
  out.col(0).zeros();
  out.cols(1, classes_ - 1) = x * eta;
  const arma::vec top = arma::max(out, 1);
  out.each_col() -= top;
  const arma::vec lse = arma::log(arma::sum(arma::exp(out), 1));
  out.each_col() -= lse;
}

void MultinomialExpert::ClassProbabilities(const Data& data, arma::mat& out) const {
  LogProbabilities(data.xExpert, eta_, out);
  out = arma::exp(out);
}

void MultinomialExpert::LogDensity(const Data& data, arma::vec& out) const {
  arma::mat logP;
  LogProbabilities(data.xExpert, eta_, logP);
  out.set_size(data.N());
  for (arma::uword i = 0; i < out.n_elem; ++i) {
    const double label = data.y(i, 0);
    // Checked here too: predictions on new data reach this without ValidateFitInput.
    if (!(label >= 0.0 && label < static_cast<double>(classes_))) ValidateResponse(data.y);
    out[i] = logP(i, static_cast<arma::uword>(label));
  }
}

StepReport MultinomialExpert::FitWeighted(const Data& data, const arma::vec& weights) {
  StepReport report;
  double total = 0.0;
  if (!weighted_fit::HasWeight(weights, total, report)) return report;
  const arma::mat& x = data.xExpert;
  const arma::uword n = data.N(), p = x.n_cols, m = classes_ - 1;
  arma::mat target(n, classes_, arma::fill::zeros);  // w_i * 1[y_i = c]
  for (arma::uword i = 0; i < n; ++i) target(i, static_cast<arma::uword>(data.y(i, 0))) = weights[i];
  arma::mat logP;
  auto objective = [&](const arma::vec& theta) {
    LogProbabilities(x, arma::reshape(theta, p, m), logP);
    return arma::accu(target % logP);
  };
  auto derivatives = [&](const arma::vec& theta, arma::vec& gradient, arma::mat& negHessian) {
    LogProbabilities(x, arma::reshape(theta, p, m), logP);
    const arma::mat prob = arma::exp(logP);
    gradient.set_size(p * m);
    negHessian.set_size(p * m, p * m);
    for (arma::uword c = 1; c <= m; ++c) {
      gradient.subvec((c - 1) * p, c * p - 1) = x.t() * (target.col(c) - weights % prob.col(c));
      for (arma::uword d = c; d <= m; ++d) {
        const arma::vec v = weights % prob.col(c) % ((c == d ? 1.0 : 0.0) - prob.col(d));
        const arma::mat block = x.t() * (x.each_col() % v);
        negHessian.submat((c - 1) * p, (d - 1) * p, c * p - 1, d * p - 1) = block;
        negHessian.submat((d - 1) * p, (c - 1) * p, d * p - 1, c * p - 1) = block.t();
      }
    }
  };
  arma::vec theta = arma::vectorise(eta_);
  const NewtonOutcome outcome = NewtonAscent(objective, derivatives, theta);
  report = NewtonReport(outcome, theta, "multinomial", total, "(are the classes separable?)");
  if (report.singular) return report;
  eta_ = arma::reshape(theta, p, m);
  // Fitted probabilities of the observed classes all numerically 1: the classes are separated by the
  // design, the likelihood rises towards 0 without a maximum, and the coefficients are arbitrary.
  report.separated = objective(theta) > -1e-6 * total;
  return report;
}

void MultinomialExpert::Mean(const Data& data, arma::vec& out) const {
  arma::mat prob;
  ClassProbabilities(data, prob);
  out = prob * arma::regspace(0, classes_ - 1);
}

void MultinomialExpert::Sample(const Data& data, Rng& rng, arma::mat& out) const {
  arma::mat prob;
  ClassProbabilities(data, prob);
  out.set_size(data.N(), 1);
  for (arma::uword i = 0; i < prob.n_rows; ++i) out(i, 0) = static_cast<double>(rng.Categorical(prob.row(i)));
}

void MultinomialExpert::Unpack(const arma::vec& theta) { eta_ = arma::reshape(theta.head(eta_.n_elem), eta_.n_rows, eta_.n_cols); }

void MultinomialExpert::GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const {
  arma::mat prob;
  ClassProbabilities(data, prob);
  for (arma::uword i = 0; i < prob.n_rows; ++i) prob(i, static_cast<arma::uword>(data.y(i, 0))) -= 1.0;
  // d log P(y_i) / d eta_c = x_i (1[y_i = c] - P_c): the negated (prob - onehot), columns 1..C-1.
  g = arma::vectorise(-(data.xExpert.t() * (prob.cols(1, classes_ - 1).each_col() % c)));
}

ParameterBlocks MultinomialExpert::Blocks() const { return {{"coefficients", eta_}}; }

void MultinomialExpert::SetBlocks(const ParameterBlocks& blocks) {
  eta_ = FindBlock(blocks, "coefficients", eta_.n_rows, eta_.n_cols, "multinomial expert");
}

arma::mat PredictClassProbabilities(const Model& model, const Data& data) {
  const arma::mat gate = PredictGate(model, data);
  arma::mat out, prob;
  for (arma::uword k = 0; k < model.K(); ++k) {
    const auto* expert = dynamic_cast<const MultinomialExpert*>(&model.expert(k));
    if (expert == nullptr) {
      throw InputError("class probabilities need categorical (multinomial) experts, but expert " +
                       std::to_string(k + 1) + " is " + model.expert(k).Family());
    }
    expert->ClassProbabilities(data, prob);
    if (k == 0) out.zeros(prob.n_rows, prob.n_cols);
    if (prob.n_cols != out.n_cols) throw InputError("the experts have different numbers of classes");
    out += prob.each_col() % gate.col(k);
  }
  return out;
}

arma::uvec MostProbableClass(const arma::mat& probabilities) { return arma::index_max(probabilities, 1); }

}  // namespace moest
