// Helpers shared by the R glue: R vectors and matrices seen as Armadillo matrices without a copy,
// and models passed between R and C++ as the JSON text of a model file.
#pragma once

#include <string>
#include <vector>

#include "moest/moest.hpp"

namespace moest_r {

/** The R matrix `m` as an Armadillo matrix sharing its memory (the glue never writes to it). */
inline arma::mat View(Rcpp::NumericMatrix& m) {
  return arma::mat(m.begin(), m.nrow(), m.ncol(), false, true);
}

/**
 * The R vector `v` as an n x 1 Armadillo matrix sharing its memory; an R matrix (a multivariate
 * response, cbind(y1, y2)) keeps its columns.
 */
inline arma::mat View(Rcpp::NumericVector& v) {
  if (v.hasAttribute("dim")) {
    const Rcpp::IntegerVector dim = v.attr("dim");
    if (dim.size() == 2) return arma::mat(v.begin(), dim[0], dim[1], false, true);
  }
  return arma::mat(v.begin(), v.size(), 1, false, true);
}

/** An Armadillo vector as a plain R vector (RcppArmadillo's wrap would give an n x 1 matrix). */
inline Rcpp::NumericVector AsVector(const arma::vec& v) { return Rcpp::NumericVector(v.begin(), v.end()); }

/**
 * A data frame of equal-length columns, made by setting its attributes (Rcpp::DataFrame::create calls
 * R's as.data.frame, which costs more than a small fit's M-step).
 */
inline Rcpp::List AsDataFrame(Rcpp::List columns, R_xlen_t rows) {
  columns.attr("row.names") = Rcpp::IntegerVector::create(NA_INTEGER, -static_cast<int>(rows));
  columns.attr("class") = "data.frame";
  return columns;
}

/** moe_control()'s list plus `starts` and `partition` as core fit options (r_fit.cpp). */
moest::FitOptions ToFitOptions(const Rcpp::List& options, double seed);

/** The column names of `m` ("column 1", ... where it has none). */
std::vector<std::string> ColumnNames(const Rcpp::NumericMatrix& m);

/** The model file held in `json`, as written by moest::ModelToJson. */
inline moest::ModelFile ParseModel(const std::string& json) {
  return moest::ModelFromJson(json, "the model's JSON text");
}

}  // namespace moest_r
