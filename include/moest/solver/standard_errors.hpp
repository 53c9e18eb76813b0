// Standard errors from the observed information at the optimum: central finite differences of the
// analytic gradient (LogLikelihoodGradient) in PackModel's coordinates, symmetrised, then the delta
// method to the natural parameters of Blocks(). The sandwich option replaces the packed covariance
// H^{-1} by H^{-1} B H^{-1}, B = sum_i s_i s_i' over the per-row scores (RowScores), which stays
// consistent when the model is misspecified (Huber 1967; White 1982).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/model/parameter_block.hpp"

namespace moest {

/** Which covariance the standard errors come from. */
enum class StandardErrorType {
  Observed,  // the inverse observed information H^{-1}
  Sandwich,  // H^{-1} B H^{-1}, B the sum of the outer products of the per-row scores
};

/** "observed", "sandwich". */
std::string StandardErrorTypeName(StandardErrorType type);
/** Inverse of StandardErrorTypeName; InputError naming the choices otherwise. */
StandardErrorType StandardErrorTypeFromName(const std::string& name);

/**
 * The front ends' --se / se = choice: "observed" or "sandwich" set the type, "none" turns the standard
 * errors off (and with them the information matrices of the diagnostics); InputError otherwise.
 */
struct FitOptions;
void SetStandardErrorChoice(FitOptions& options, const std::string& name);

struct StandardErrors {
  bool computed = false;           // false: not asked for, or the fit had no finite optimum
  bool positiveDefinite = false;   // the observed information was positive definite
  std::string method = "observed"; // StandardErrorTypeName, or "none" when se = none was asked for
  std::string message;             // plain-language note, always set when !positiveDefinite
  double smallestEigenvalue = arma::datum::nan;  // of the packed observed information
  ParameterBlocks gate;                  // same names and shapes as the gate's Blocks(); NaN = fixed
  std::vector<ParameterBlocks> experts;  // one per component, as Blocks()
  std::vector<std::string> labels;       // free natural parameters, in the order of vcov
  arma::mat vcov;                        // their covariance (empty unless positiveDefinite)
  arma::mat observedVcov;                // method "sandwich": the observed-information one as well
};

/**
 * The observed information -d2 l / d theta2 in PackModel's coordinates, symmetrised: central differences
 * of the analytic gradient, one column per coordinate, on ResolveThreads(threads) threads (the same
 * matrix for any number).
 */
arma::mat ObservedInformation(const Model& model, const Data& data, double step = 1e-5, int threads = 1);

/** How the information matrices behind standard errors and diagnostics are formed. */
struct InformationOptions {
  int threads = 1;                      // threads for the difference columns (0: every core)
  const arma::mat* observed = nullptr;  // ObservedInformation(model, data) if already computed: reused
  bool missingInformationRate = true;   // Diagnose: form I_c and I_obs for the rate (the costly part)
};

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
                                     const arma::uvec& freeCoordinates = arma::uvec(),
                                     StandardErrorType type = StandardErrorType::Observed,
                                     const InformationOptions& information = InformationOptions());

/**
 * The delta method shared by every observed-information estimate: inverts `information` (m x m, the
 * observed information in some packed coordinates) and maps its inverse through `jacobian` (natural x
 * m, the derivatives of the natural parameters in those coordinates). Natural entries that no
 * coordinate moves are fixed. Sets se.positiveDefinite, se.message (the diagnostic when the
 * information is not positive definite), se.smallestEigenvalue, se.vcov and se.labels (of the free
 * entries, from `labels`); `seFlat` gets every natural entry's standard error (NaN when fixed or not
 * computed). Optionally returns the packed covariance and the free rows.
 */
void NaturalCovariance(const arma::mat& information, const arma::mat& jacobian, const std::vector<std::string>& labels,
                       StandardErrors& se, arma::vec& seFlat, arma::mat* packedCovariance = nullptr,
                       arma::uvec* freeRows = nullptr);

/**
 * The central-difference Jacobian of `f` in the coordinates `moving` of `theta` (step `step` times
 * max(1, |theta_j|)): f(theta).n_elem x moving.n_elem.
 */
arma::mat CentralJacobian(const std::function<arma::vec(const arma::vec&)>& f, const arma::vec& theta,
                          const arma::uvec& moving, double step);

/** se.gate and se.experts shaped as `model`'s blocks, from `seFlat` in FlattenNatural's order. */
void FillBlockErrors(const Model& model, const arma::vec& seFlat, StandardErrors& se);

/** 0, 1, ..., n - 1. */
arma::uvec AllCoordinates(arma::uword n);

}  // namespace moest
