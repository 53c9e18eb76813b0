#include "moest/solver/start_model.hpp"

#include "moest/errors.hpp"

namespace moest {

namespace {

std::string JoinTerms(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string Shape(const arma::mat& m) { return std::to_string(m.n_rows) + " x " + std::to_string(m.n_cols); }

void CheckSameBlocks(const ParameterBlocks& wanted, const ParameterBlocks& given, const std::string& owner) {
  if (wanted.size() != given.size()) {
    throw InputError("the start parameters' " + owner + " has " + std::to_string(given.size()) +
                     " parameter blocks but the model being fitted has " + std::to_string(wanted.size()));
  }
  for (std::size_t b = 0; b < wanted.size(); ++b) {
    if (wanted[b].name != given[b].name) {
      throw InputError("the start parameters' " + owner + " has a block '" + given[b].name + "' where the model " +
                       "being fitted has '" + wanted[b].name + "'");
    }
    if (wanted[b].value.n_rows != given[b].value.n_rows || wanted[b].value.n_cols != given[b].value.n_cols) {
      throw InputError("the start parameters' " + owner + " block '" + given[b].name + "' is " +
                       Shape(given[b].value) + " but the model being fitted needs " + Shape(wanted[b].value) +
                       " (a different number of terms in the formula?)");
    }
    if (!given[b].value.is_finite()) {
      throw InputError("the start parameters' " + owner + " block '" + given[b].name + "' has a non-finite value");
    }
  }
}

}  // namespace

void CheckStartModel(const Model& prototype, const Model& start) {
  if (start.empty()) throw InputError("the start parameters are empty");
  if (start.K() != prototype.K()) {
    throw InputError("the start parameters have K = " + std::to_string(start.K()) + " components but the fit asks for K = " +
                     std::to_string(prototype.K()));
  }
  const std::string wantedGate = prototype.gate().Spec().ToString(), givenGate = start.gate().Spec().ToString();
  if (wantedGate != givenGate) {
    throw InputError("the start parameters have gate '" + givenGate + "' but the fit uses gate '" + wantedGate + "'");
  }
  CheckSameBlocks(prototype.gate().Blocks(), start.gate().Blocks(), "gate");
  for (arma::uword k = 0; k < prototype.K(); ++k) {
    const std::string owner = "expert " + std::to_string(k + 1);
    const std::string wanted = prototype.expert(k).Spec().ToString(), given = start.expert(k).Spec().ToString();
    if (wanted != given) {
      throw InputError("the start parameters' " + owner + " is '" + given + "' but the fit uses '" + wanted + "'");
    }
    CheckSameBlocks(prototype.expert(k).Blocks(), start.expert(k).Blocks(), owner);
  }
}

void CheckStartTerms(const std::vector<std::string>& given, const std::vector<std::string>& wanted,
                     const std::string& part, const std::string& source) {
  if (given == wanted) return;
  throw InputError(source + ": its " + part + " terms are (" + JoinTerms(given) + ") but the formula gives (" +
                   JoinTerms(wanted) + ")");
}

}  // namespace moest
