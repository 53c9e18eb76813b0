#include "moest/io/categorical.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "moest/errors.hpp"

namespace moest {

namespace {

std::string CellLabel(const Column& column, std::size_t i) {
  if (column.missing[i]) {
    throw InputError("class column '" + column.name + "' has a missing value in row " + std::to_string(i + 1));
  }
  if (!column.numeric) return column.text[i];
  const double v = column.values[i];
  if (v != std::floor(v) || std::abs(v) > 1e15) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%.17g", v);
    throw InputError("class column '" + column.name + "' must hold whole numbers or text, but row " +
                     std::to_string(i + 1) + " has " + buffer);
  }
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.0f", v);
  return buffer;
}

std::size_t Rows(const Column& column) { return column.missing.size(); }

}  // namespace

std::vector<std::string> ClassLabels(const Column& column) {
  std::vector<std::string> labels;
  std::vector<double> numbers;
  for (std::size_t i = 0; i < Rows(column); ++i) {
    const std::string label = CellLabel(column, i);
    if (std::find(labels.begin(), labels.end(), label) == labels.end()) {
      labels.push_back(label);
      if (column.numeric) numbers.push_back(column.values[i]);
    }
  }
  if (column.numeric) {
    std::vector<std::size_t> order(labels.size());
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return numbers[a] < numbers[b]; });
    std::vector<std::string> sorted;
    for (std::size_t j : order) sorted.push_back(labels[j]);
    return sorted;
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

arma::mat EncodeClasses(const Column& column, const std::vector<std::string>& labels) {
  std::map<std::string, double> code;
  for (std::size_t j = 0; j < labels.size(); ++j) code[labels[j]] = static_cast<double>(j);
  arma::mat out(Rows(column), 1);
  for (std::size_t i = 0; i < Rows(column); ++i) {
    const std::string label = CellLabel(column, i);
    const auto it = code.find(label);
    if (it == code.end()) {
      std::string known;
      for (const std::string& l : labels) known += (known.empty() ? "" : ", ") + l;
      throw InputError("class column '" + column.name + "' has class '" + label + "' in row " + std::to_string(i + 1) +
                       ", which the model was not fitted with (classes: " + known + ")");
    }
    out(i, 0) = it->second;
  }
  return out;
}

}  // namespace moest
