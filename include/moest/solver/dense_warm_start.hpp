// Starts for sparse (top-K) softmax gates. EM under a top-K gate keeps close to the ranking structure of
// its start: a row's left-out components get (almost) zero weight, hence zero responsibility, so the
// next M-step has no reason to bring them back. From a random partition that structure is arbitrary.
// A warm start fits the same model with the dense softmax gate (top_k = K) first, whose EM moves freely,
// and hands its parameters to the top-K fit, whose rankings then follow the data.
#pragma once

#include "moest/data.hpp"
#include "moest/model/model.hpp"
#include "moest/observer.hpp"
#include "moest/options.hpp"

namespace moest {

/** The model with its top-K softmax gate made dense (same options otherwise), or an empty Model. */
Model DenseRelaxation(const Model& model, arma::uword gateColumns);

/**
 * Run EM on the dense relaxation of `prototype` from responsibilities `start` (at most
 * `options.maxIterations` iterations, no trace reported; `observer` may only stop it) and return
 * `prototype` carrying the dense fit's parameters. `prototype` unchanged when its gate is not sparse.
 */
Model DenseWarmStart(const Model& prototype, const Data& data, const arma::mat& start, const EmOptions& options,
                     Observer& observer, int startIndex);

}  // namespace moest
