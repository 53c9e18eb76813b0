#include "moest/rates/slopes.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <boost/math/distributions/students_t.hpp>

namespace moest {

namespace {

std::vector<std::string> SplitRow(const std::string& row) {
  std::vector<std::string> fields;
  std::istringstream in(row);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

double ParseNumber(const std::string& text) {
  if (text == "NA" || text.empty()) return arma::datum::nan;
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return arma::datum::nan;
  }
}

double Aggregate(std::vector<double> values, bool median) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty()) return arma::datum::nan;
  const arma::vec v(values);
  return median ? arma::median(v) : arma::mean(v);
}

constexpr std::size_t kFirstLossColumn = 6;  // n, K, replicate, status, iterations, log_likelihood

}  // namespace

double TheoreticalSlope(const std::string& loss, arma::uword K, arma::uword Kstar, const VoronoiExponents& exponents) {
  if (K < Kstar) return arma::datum::nan;
  if (K == Kstar) return -0.5;
  const arma::uword m = K - Kstar + 1;
  if (m > 3) return arma::datum::nan;
  const double rbar = VoronoiExponent(m);
  if (loss == "D2" || loss == "weight") return -0.5;
  if (loss == "W1" || loss == "Wrbar") return -1.0 / (2.0 * rbar);
  auto orderOf = [&](const std::string& part) {
    auto found = exponents.order.find(part);
    return found == exponents.order.end() ? 1.0 : found->second;
  };
  if (loss == "D1") {
    double slowest = 0.5;
    for (const auto& entry : exponents.order) slowest = std::max(slowest, entry.second);
    return -1.0 / (2.0 * rbar * slowest);
  }
  return -1.0 / (2.0 * rbar * orderOf(loss));
}

std::vector<std::string> LossColumns(const StudyTable& table) {
  if (table.columns.size() <= kFirstLossColumn) return {};
  return std::vector<std::string>(table.columns.begin() + kFirstLossColumn, table.columns.end());
}

arma::vec OlsSlope(const arma::vec& x, const arma::vec& y) {
  const arma::uword n = x.n_elem;
  if (n < 3) return arma::vec(3, arma::fill::value(arma::datum::nan));
  const double mx = arma::mean(x), my = arma::mean(y);
  const double sxx = arma::accu(arma::square(x - mx));
  if (sxx <= 0.0) return arma::vec(3, arma::fill::value(arma::datum::nan));
  const double slope = arma::accu((x - mx) % (y - my)) / sxx;
  const arma::vec residual = y - my - slope * (x - mx);
  const double se = std::sqrt(arma::accu(arma::square(residual)) / static_cast<double>(n - 2) / sxx);
  const double t = boost::math::quantile(boost::math::students_t(static_cast<double>(n - 2)), 0.975);
  return {slope, slope - t * se, slope + t * se};
}

std::vector<SlopeFit> FitRateSlopes(const StudyTable& table, arma::uword Kstar, const VoronoiExponents& exponents,
                                    const SlopeOptions& options) {
  // values[(K, column)][n] = the column's values over replicates
  std::map<arma::uword, std::vector<std::map<arma::uword, std::vector<double>>>> values;
  const std::size_t columns = table.columns.size();
  for (const std::string& row : table.rows) {
    const std::vector<std::string> fields = SplitRow(row);
    if (fields.size() != columns) continue;
    const arma::uword n = std::stoul(fields[0]), K = std::stoul(fields[1]);
    if (n < options.n0) continue;
    auto& perColumn = values[K];
    perColumn.resize(columns);
    for (std::size_t c = kFirstLossColumn; c < columns; ++c) perColumn[c][n].push_back(ParseNumber(fields[c]));
  }
  std::vector<SlopeFit> fits;
  for (const auto& [K, perColumn] : values) {
    for (std::size_t c = kFirstLossColumn; c < columns; ++c) {
      for (const bool median : {false, true}) {
        std::vector<double> logN, logLoss;
        for (const auto& [n, samples] : perColumn[c]) {
          const double aggregate = Aggregate(samples, median);
          if (std::isfinite(aggregate) && aggregate > 0.0) {
            logN.push_back(std::log(static_cast<double>(n)));
            logLoss.push_back(std::log(aggregate));
          }
        }
        SlopeFit fit;
        fit.K = K;
        fit.loss = table.columns[c];
        fit.statistic = median ? "median" : "mean";
        fit.points = logN.size();
        const arma::vec ols = OlsSlope(arma::vec(logN), arma::vec(logLoss));
        fit.slope = ols[0];
        fit.lower = ols[1];
        fit.upper = ols[2];
        if (options.polynomialTheory) fit.theory = TheoreticalSlope(fit.loss, K, Kstar, exponents);
        fits.push_back(fit);
      }
    }
  }
  return fits;
}

}  // namespace moest
