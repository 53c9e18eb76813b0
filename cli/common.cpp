#include "common.hpp"

#include <algorithm>
#include <iostream>

namespace moest::cli {

namespace {

const char* const kInterceptTerm = "(Intercept)";

}  // namespace

std::string OneLine(const std::string& message) {
  std::string line;
  for (char c : message) {
    if (c == '\r') continue;
    line += c == '\n' ? std::string("; ") : std::string(1, c);
  }
  // A message ending in a newline would otherwise end in "; ".
  while (line.size() >= 2 && line.compare(line.size() - 2, 2, "; ") == 0) line.resize(line.size() - 2);
  return line;
}

void PrintError(const std::string& message) { std::cerr << "moest: error: " << OneLine(message) << std::endl; }

void PrintNote(const std::string& message) { std::cerr << "moest: " << OneLine(message) << std::endl; }

void WriteOutput(const std::string& path, const std::string& content) {
  if (!path.empty()) {
    WriteFileAtomically(path, content);
    return;
  }
  std::cout << content << std::flush;
  if (!std::cout) throw InputError("cannot write to standard output");
}

void RequireDataRows(const Table& table, const std::string& source) {
  if (table.NumRows() == 0) throw InputError(source + " has a header but no data rows");
}

std::vector<std::string> NumberedNames(const std::string& prefix, arma::uword count) {
  std::vector<std::string> names;
  for (arma::uword k = 1; k <= count; ++k) names.push_back(prefix + "." + std::to_string(k));
  return names;
}

arma::mat DesignFromTermNames(const Table& table, const std::vector<std::string>& terms,
                              const std::vector<PolyBasis>& bases) {
  return DesignFromNames(table, terms, bases);
}

ModelDesigns DesignsFromTable(const ModelFile& file, const Table& table) {
  ModelDesigns designs;
  designs.expert = DesignFromTermNames(table, file.expertTerms, file.bases);
  designs.gate = DesignFromTermNames(table, file.gateTerms, file.bases);
  if (!file.offset.empty()) {
    // The model was fitted with log mu = x'beta + offset: predicting without it would be wrong.
    designs.offset = EvaluateOffset(table, ParseOffsetExpression(file.offset, "the model's offset"));
  }
  return designs;
}

Data DesignData(const arma::mat& response, const ModelDesigns& designs) {
  return Data(response, designs.expert, designs.gate, nullptr, designs.offset.is_empty() ? nullptr : &designs.offset);
}

std::vector<std::string> CovariateNames(const ModelFile& file) {
  std::vector<std::string> names;
  for (const auto* terms : {&file.expertTerms, &file.gateTerms}) {
    for (const std::string& term : *terms) {
      const std::string column = ColumnOfDesignName(term, file.bases);
      if (term != kInterceptTerm && std::find(names.begin(), names.end(), column) == names.end()) {
        names.push_back(column);
      }
    }
  }
  return names;
}

}  // namespace moest::cli
