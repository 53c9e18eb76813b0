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

arma::mat DesignFromTermNames(const Table& table, const std::vector<std::string>& terms) {
  arma::mat design(table.NumRows(), terms.size());
  for (std::size_t j = 0; j < terms.size(); ++j) {
    if (terms[j] == kInterceptTerm) {
      design.col(j).ones();
    } else {
      design.col(j) = table.Numeric(terms[j]);
    }
  }
  return design;
}

ModelDesigns DesignsFromTable(const ModelFile& file, const Table& table) {
  return {DesignFromTermNames(table, file.expertTerms), DesignFromTermNames(table, file.gateTerms)};
}

std::vector<std::string> CovariateNames(const ModelFile& file) {
  std::vector<std::string> names;
  for (const auto* terms : {&file.expertTerms, &file.gateTerms}) {
    for (const std::string& term : *terms) {
      if (term != kInterceptTerm && std::find(names.begin(), names.end(), term) == names.end()) {
        names.push_back(term);
      }
    }
  }
  return names;
}

}  // namespace moest::cli
