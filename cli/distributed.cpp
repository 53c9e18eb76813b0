#include "distributed.hpp"

#include "moest/errors.hpp"

#ifdef MOEST_HAVE_MPI
#define OMPI_SKIP_MPICXX 1  // the C API only: the deprecated C++ bindings warn under -Wextra
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace moest::cli {

#ifdef MOEST_HAVE_MPI

namespace {

class MpiReducer : public Reducer {
 public:
  MpiReducer() {
    int ready = 0;
    MPI_Initialized(&ready);
    if (!ready) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiReducer() override {
    int done = 0;
    MPI_Finalized(&done);
    if (!done) MPI_Finalize();
  }
  MpiReducer(const MpiReducer&) = delete;
  MpiReducer& operator=(const MpiReducer&) = delete;

  void Sum(arma::vec& values) override {
    if (size_ == 1 || values.is_empty()) return;
    MPI_Allreduce(MPI_IN_PLACE, values.memptr(), static_cast<int>(values.n_elem), MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD);
  }
  int Rank() const override { return rank_; }
  int Size() const override { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace

bool HaveMpi() { return true; }

std::unique_ptr<Reducer> StartDistributed() { return std::make_unique<MpiReducer>(); }

#else

bool HaveMpi() { return false; }

std::unique_ptr<Reducer> StartDistributed() {
  throw InputError("--distributed: this moest was built without MPI (install libopenmpi-dev and rebuild)");
}

#endif

}  // namespace moest::cli
