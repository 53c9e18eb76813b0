// Standard errors from the observed information at the optimum: central finite differences of the
// analytic gradient (LogLikelihoodGradient) in PackModel's coordinates, symmetrised, then the delta
// method to the natural parameters of Blocks().
#pragma once

#include <string>
#include <vector>

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/model/parameter_block.hpp"

namespace moest {

struct StandardErrors {
  bool computed = false;           // false: not asked for, or the fit had no finite optimum
  bool positiveDefinite = false;   // the observed information was positive definite
  std::string method = "observed"; // observed information by finite differences of the gradient
  std::string message;             // plain-language note, always set when !positiveDefinite
  double smallestEigenvalue = arma::datum::nan;  // of the packed observed information
  ParameterBlocks gate;                  // same names and shapes as the gate's Blocks(); NaN = fixed
  std::vector<ParameterBlocks> experts;  // one per component, as Blocks()
  std::vector<std::string> labels;       // free natural parameters, in the order of vcov
  arma::mat vcov;                        // their covariance (empty unless positiveDefinite)
};

/** The observed information -d2 l / d theta2 in PackModel's coordinates, symmetrised. */
arma::mat ObservedInformation(const Model& model, const Data& data, double step = 1e-5);

/**
 * Natural parameters of Blocks() in a flat vector: the gate's blocks then every expert's, each block
 * column by column. `labels` (if given) receives "gate.<block>[i,k]" and "expert k.<block>[i]".
 */
arma::vec FlattenNatural(const Model& model, std::vector<std::string>* labels = nullptr);

/**
 * Standard errors of every natural parameter and the covariance of the free ones. With
 * `freeCoordinates` (indices into PackModel) only those move; the others are fixed (their natural
 * parameters get NaN). Empty: all of them.
 */
StandardErrors ComputeStandardErrors(const Model& model, const Data& data,
                                     const arma::uvec& freeCoordinates = arma::uvec());

/** 0, 1, ..., n - 1. */
arma::uvec AllCoordinates(arma::uword n);

}  // namespace moest
