// The contract of a gate: log g_k(x_i) for all rows i and components k, as an n x K matrix whose
// rows are log-normalised. Every call works on all n rows at once.
#pragma once

#include <memory>
#include <string>

#include "moest/arma.hpp"
#include "moest/data.hpp"
#include "moest/model/parameter_block.hpp"
#include "moest/model/spec.hpp"
#include "moest/solver/step_report.hpp"

namespace moest {

/**
 * A gate must provide:
 * - Family(), NumComponents();
 * - LogWeights(): logG(i, k) = log g_k(x_i), each row log-normalised;
 * - FitResponsibilities(): the M-step, increasing sum_i sum_k r_ik log g_k(x_i) (closed form or an
 *   inner Newton loop whose cap, when hit, is reported);
 * - Pack()/Unpack(), GradLogWeights(): g = sum_i sum_k C(i, k) d log g_k(x_i) / d Pack();
 * - NumParameters(), Blocks()/SetBlocks(), Clone() as for Expert.
 * Optional: SetInnerControl() for gates whose M-step is an inner iterative loop; SetNewtonSteps() for
 * those whose loop is Newton's method (EM then stops it early, see EmOptions::gateSteps); Spec() when the
 * family takes options; IsJoint()/LogJointWeights() for density gates (see below).
 */
class Gate {
 public:
  virtual ~Gate() = default;
  virtual std::string Family() const = 0;
  virtual arma::uword NumComponents() const = 0;
  virtual void LogWeights(const Data& data, arma::mat& logG) const = 0;
  virtual StepReport FitResponsibilities(const Data& data, const arma::mat& r) = 0;
  virtual arma::vec Pack() const = 0;
  virtual void Unpack(const arma::vec& theta) = 0;
  virtual void GradLogWeights(const Data& data, const arma::mat& c, arma::vec& g) const = 0;
  virtual arma::uword NumParameters() const = 0;
  virtual ParameterBlocks Blocks() const = 0;
  virtual void SetBlocks(const ParameterBlocks& blocks) = 0;
  virtual std::unique_ptr<Gate> Clone() const = 0;
  virtual void SetInnerControl(int /*maxIterations*/, double /*tolerance*/) {}
  /**
   * A Newton M-step ends after `steps` accepted steps (0: at its tolerance or cap), and that end is no
   * cap hit: a generalised EM asks for it. Gates whose M-step is no Newton loop ignore it.
   */
  virtual void SetNewtonSteps(int /*steps*/) {}
  /** The family and options that rebuild this gate through MakeGate (stored in model files). */
  virtual ComponentSpec Spec() const { return {Family(), {}}; }

  /**
   * Density gates (Gaussian, Student-t, Laplace densities of x) model the joint p(x, y): they return
   * true here and give log(pi_k h_k(x_i)) from LogJointWeights, NOT normalised over k; EM then
   * maximises the joint likelihood. Conditional gates keep the defaults.
   */
  virtual bool IsJoint() const { return false; }
  virtual void LogJointWeights(const Data& data, arma::mat& out) const { LogWeights(data, out); }
  /**
   * The gradient of sum_ik c_ik log w_ik for the weights LogJointWeights gives: the gate's part of the
   * complete-data gradient of the likelihood the model evaluates (Model::LogJoint).
   */
  virtual void GradLogJointWeights(const Data& data, const arma::mat& c, arma::vec& g) const {
    GradLogWeights(data, c, g);
  }
};

}  // namespace moest
