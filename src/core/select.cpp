#include "moest/solver/select.hpp"

#include <algorithm>
#include <cmath>

#include "moest/errors.hpp"
#include "moest/solver/fit.hpp"

namespace moest {

namespace {

/** Passes on only the stop requests and notes of the fits inside a selection. */
class QuietFitObserver : public Observer {
 public:
  explicit QuietFitObserver(Observer& outer) : outer_(outer) {}
  void OnMessage(const std::string& message) override { outer_.OnMessage(message); }
  bool ShouldStop() override { return outer_.ShouldStop(); }

 private:
  Observer& outer_;
};

arma::uword ParseWhole(const std::string& text, const std::string& whole) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    throw InputError("-K '" + whole + "': '" + text + "' is not a whole number (write e.g. 1:6 or 2,3,5)");
  }
  return static_cast<arma::uword>(std::stoul(text));
}

}  // namespace

std::string CriterionName(Criterion criterion) {
  switch (criterion) {
    case Criterion::Bic: return "bic";
    case Criterion::Icl: return "icl";
    case Criterion::Aic: return "aic";
  }
  return "bic";
}

Criterion CriterionFromName(const std::string& name) {
  if (name == "bic") return Criterion::Bic;
  if (name == "icl") return Criterion::Icl;
  if (name == "aic") return Criterion::Aic;
  throw InputError("unknown criterion '" + name + "' (choose bic, icl or aic)");
}

double CriterionValue(const InformationCriteria& criteria, Criterion criterion) {
  switch (criterion) {
    case Criterion::Bic: return criteria.bic;
    case Criterion::Icl: return criteria.icl;
    case Criterion::Aic: return criteria.aic;
  }
  return criteria.bic;
}

std::vector<arma::uword> ParseComponentRange(const std::string& text) {
  std::vector<arma::uword> values;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    const std::string piece = text.substr(begin, end - begin);
    const std::size_t colon = piece.find(':');
    const arma::uword from = ParseWhole(piece.substr(0, colon), text);
    const arma::uword to = colon == std::string::npos ? from : ParseWhole(piece.substr(colon + 1), text);
    if (from < 1 || to < from) throw InputError("-K '" + text + "': K runs from 1 upwards (e.g. 1:6)");
    for (arma::uword K = from; K <= to; ++K) {
      if (std::find(values.begin(), values.end(), K) == values.end()) values.push_back(K);
    }
    begin = end + 1;
  }
  return values;
}

Selection SelectModels(const Data& data, const SelectOptions& options, Observer& observer) {
  if (options.components.empty()) throw InputError("no K to try");
  if (options.gates.empty() || options.experts.empty()) throw InputError("no gate or no expert family to try");
  std::vector<Candidate> candidates;
  std::vector<Model> prototypes;
  for (const std::string& gate : options.gates) {
    for (const std::string& expert : options.experts) {
      for (arma::uword K : options.components) {
        if (K > data.N()) {
          throw InputError("K = " + std::to_string(K) + " is more components than the data have rows (" +
                           std::to_string(data.N()) + ")");
        }
        Model model = Model::Make(expert, gate, data.xExpert.n_cols, data.xGate.n_cols, K);
        if (model.NumParameters() >= data.N()) {
          throw InputError("K = " + std::to_string(K) + " with gate " + gate + " and expert " + expert + " has " +
                           std::to_string(model.NumParameters()) + " free parameters but the data have only " +
                           std::to_string(data.N()) + " rows: try a smaller K range");
        }
        ValidateFitInput(model, data, options.fit);
        Candidate candidate;
        candidate.K = K;
        candidate.gate = gate;
        candidate.expert = expert;
        candidates.push_back(std::move(candidate));
        prototypes.push_back(std::move(model));
      }
    }
  }
  Selection selection;
  selection.criterion = options.criterion;
  QuietFitObserver quiet(observer);
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    Candidate& candidate = candidates[c];
    candidate.fit = Fit(prototypes[c], data, options.fit, quiet);
    if (candidate.fit.stats.status == FitStatus::Interrupted) {
      selection.interrupted = true;
      break;
    }
    const double value = CriterionValue(candidate.fit.stats.criteria, options.criterion);
    candidate.value = candidate.fit.stats.status != FitStatus::NonFinite && std::isfinite(value) ? value : arma::datum::nan;
    selection.ranked.push_back(std::move(candidate));
    observer.OnProgress("models", c + 1, candidates.size());
  }
  std::stable_sort(selection.ranked.begin(), selection.ranked.end(), [](const Candidate& a, const Candidate& b) {
    if (std::isnan(a.value) || std::isnan(b.value)) return !std::isnan(a.value) && std::isnan(b.value);
    return a.value < b.value;
  });
  return selection;
}

}  // namespace moest
