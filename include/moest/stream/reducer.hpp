// The hook that makes streaming EM distributed: every per-pass statistic (sums over rows, gradients,
// Hessians) goes through Sum(), which in a distributed fit adds the vectors of all processes and
// gives every process the total (MPI_Allreduce). The core never sees MPI: the moest command injects
// its MPI reducer (cli/distributed.cpp); a single process uses LocalReducer.
#pragma once

#include "moest/arma.hpp"

namespace moest {

/**
 * A reducer must provide Sum() (replace `values` by its element-wise sum over all processes, the
 * same on each), Rank() and Size(). Every process must make the same sequence of calls.
 */
class Reducer {
 public:
  virtual ~Reducer() = default;
  virtual void Sum(arma::vec& values) = 0;
  virtual int Rank() const = 0;
  virtual int Size() const = 0;
};

/** One process: the sums are already complete. */
class LocalReducer : public Reducer {
 public:
  void Sum(arma::vec& /*values*/) override {}
  int Rank() const override { return 0; }
  int Size() const override { return 1; }
};

}  // namespace moest
