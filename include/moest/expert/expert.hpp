// The contract of one component density f_k(y | x). Every call works on all n rows at once.
#pragma once

#include <memory>
#include <string>

#include "moest/arma.hpp"
#include "moest/data.hpp"
#include "moest/model/parameter_block.hpp"
#include "moest/model/spec.hpp"
#include "moest/rng.hpp"
#include "moest/solver/step_report.hpp"

namespace moest {

/**
 * An expert must provide:
 * - Family(): the registered family name ("gaussian", ...);
 * - LogDensity(): out_i = log f(y_i | x_i) for every row;
 * - FitWeighted(): the M-step, maximising sum_i w_i log f(y_i | x_i) (w_i >= 0);
 * - Mean(): E[y_i | x_i] for every row (first response column for multivariate experts);
 * - Sample(): one draw of y_i for every row;
 * - Pack()/Unpack(): the parameters as one unconstrained vector (log scales, ...);
 * - GradLogDensity(): g = sum_i c_i d log f(y_i | x_i) / d Pack();
 * - NumParameters(): free parameters, for AIC and BIC;
 * - Blocks()/SetBlocks(): the parameters on their natural scale, named, for output and model files.
 * Optional: SetVarianceFloor() for experts with a scale (the absolute floor FitWeighted applies);
 * Spec() when the family takes options; ValidateResponse() when the family restricts y (counts, class
 * labels): an InputError naming the row at fault, called by ValidateFitInput before any fitting.
 * UsesOffset() is true for families whose linear predictor takes Data::offset (Poisson); a fit with an
 * offset and any other family is refused. ResponseColumns() is the number of response columns the family
 * models (1 but for multivariate experts); ResponseMeans() gives all of their means (n x d).
 */
class Expert {
 public:
  virtual ~Expert() = default;
  virtual std::string Family() const = 0;
  virtual void LogDensity(const Data& data, arma::vec& out) const = 0;
  virtual StepReport FitWeighted(const Data& data, const arma::vec& weights) = 0;
  virtual void Mean(const Data& data, arma::vec& out) const = 0;
  virtual void Sample(const Data& data, Rng& rng, arma::mat& out) const = 0;
  virtual arma::vec Pack() const = 0;
  virtual void Unpack(const arma::vec& theta) = 0;
  virtual void GradLogDensity(const Data& data, const arma::vec& c, arma::vec& g) const = 0;
  virtual arma::uword NumParameters() const = 0;
  virtual ParameterBlocks Blocks() const = 0;
  virtual void SetBlocks(const ParameterBlocks& blocks) = 0;
  virtual std::unique_ptr<Expert> Clone() const = 0;
  virtual void SetVarianceFloor(double /*floor*/) {}
  /** The family and options that rebuild this expert through MakeExpert (stored in model files). */
  virtual ComponentSpec Spec() const { return {Family(), {}}; }
  /** InputError when `y` is not a response this family can model (default: any finite y). */
  virtual void ValidateResponse(const arma::mat& /*y*/) const {}
  /** Whether LogDensity, FitWeighted, Mean, Sample and GradLogDensity add Data::offset (default: no). */
  virtual bool UsesOffset() const { return false; }
  /** The number of response columns d this expert models (a fit refuses data with another number). */
  virtual arma::uword ResponseColumns() const { return 1; }
  /** E[y_i | x_i] for every row and response column: n x ResponseColumns() (default: Mean()). */
  virtual void ResponseMeans(const Data& data, arma::mat& out) const {
    arma::vec mean;
    Mean(data, mean);
    out = mean;
  }
};

}  // namespace moest
