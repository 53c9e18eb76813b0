// `moest fit --distributed`: one process per MPI rank, each streaming its shard of the rows, the
// per-pass statistics summed across ranks by MPI_Allreduce. The only file that sees MPI; without MPI
// at build time --distributed is an error.
#pragma once

#include <memory>

#include "moest/stream/reducer.hpp"

namespace moest::cli {

/** True when this moest was built with MPI. */
bool HaveMpi();

/**
 * Initialises MPI (only when --distributed is given) and returns the reducer over MPI_COMM_WORLD; MPI
 * is finalised when it is destroyed. InputError "built without MPI" when MPI was not found at build time.
 */
std::unique_ptr<Reducer> StartDistributed();

}  // namespace moest::cli
