// A mixture of experts: one gate times K experts. Owns its components; copies are deep.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "moest/expert/expert.hpp"
#include "moest/gate/gate.hpp"
#include "moest/scratch.hpp"

namespace moest {

class Model {
 public:
  Model() = default;
  /** Takes ownership; the gate's NumComponents() must equal experts.size(). */
  Model(std::unique_ptr<Gate> gate, std::vector<std::unique_ptr<Expert>> experts);
  /** A gate of family `gateFamily` on q columns and K experts of `expertFamily` on p columns. */
  static Model Make(const std::string& expertFamily, const std::string& gateFamily, arma::uword p,
                    arma::uword q, arma::uword K);

  Model(const Model& other);
  Model& operator=(const Model& other);
  Model(Model&&) noexcept = default;
  Model& operator=(Model&&) noexcept = default;

  arma::uword K() const { return experts_.size(); }
  const Gate& gate() const { return *gate_; }
  Gate& gate() { return *gate_; }
  const Expert& expert(arma::uword k) const { return *experts_[k]; }
  Expert& expert(arma::uword k) { return *experts_[k]; }
  bool empty() const { return gate_ == nullptr; }

  /**
   * logJoint(i, k) = log g_k(x_i) + log f_k(y_i | x_i); for a joint (density) gate,
   * log pi_k h_k(x_i) + log f_k(y_i | x_i).
   */
  void LogJoint(const Data& data, arma::mat& logJoint) const;
  /** The log-likelihood; when `responsibilities` is given it receives r_ik (log-space E-step). */
  double LogLikelihood(const Data& data, arma::mat* responsibilities = nullptr) const;
  /**
   * The E-step into a caller-owned buffer (reused across iterations without reallocation): returns the
   * log-likelihood; `responsibilities` ends as r_ik.
   */
  double EStep(const Data& data, arma::mat& responsibilities) const;
  /**
   * The log-likelihood of y given x. Equal to LogLikelihood() for conditional gates; for a joint gate
   * it subtracts the log marginal density of x, sum_i log sum_k pi_k h_k(x_i).
   */
  double ConditionalLogLikelihood(const Data& data) const;
  /** Gate plus expert free parameters. */
  arma::uword NumParameters() const;

 private:
  std::unique_ptr<Gate> gate_;
  std::vector<std::unique_ptr<Expert>> experts_;
  // Workspace for one expert's log-densities, kept to avoid an n-sized allocation per call; it makes
  // concurrent calls on one Model object unsafe (each start and thread works on its own copy).
  mutable Scratch<arma::vec> scratch_;
  mutable Scratch<arma::mat> logJoint_;  // LogLikelihood's n x K buffer, kept between calls
};

/**
 * Row-wise log-sum-exp of `logJoint`, which is overwritten by the log responsibilities
 * (logJoint(i, k) - lse_i). Returns the sum of lse_i, i.e. the log-likelihood.
 */
double NormaliseRows(arma::mat& logJoint, arma::vec* rowLse = nullptr);

}  // namespace moest
