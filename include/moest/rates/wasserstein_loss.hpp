// Wasserstein distances between mixing measures (Ho, Yang & Jordan 2022, covariate-free gates):
// G = sum_i p_i delta_{theta_i}, p the normalised weights and theta_i all of an atom's parts stacked;
// W_r(G, G*) = (min over couplings q of sum_ij q_ij ||theta_i - theta*_j||^r)^(1/r). The optimal
// coupling is found exactly by successive shortest paths on the small transport network.
#pragma once

#include "moest/rates/atoms.hpp"

namespace moest {

/** The optimal-transport cost min_q sum_ij q_ij cost(i, j) between masses p (rows) and q (columns). */
double TransportCost(const arma::vec& p, const arma::vec& q, const arma::mat& cost);

/** W_r between two sets of atoms with the same parts (r >= 1). */
double WassersteinDistance(const MixingAtoms& truth, const MixingAtoms& fitted, double r);

}  // namespace moest
