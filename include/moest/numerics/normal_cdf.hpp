// The standard normal distribution in log space, accurate far into the lower tail.
#pragma once

namespace moest::numerics {

/** log Phi(x). */
double LogNormalCdf(double x);
/** log phi(x). */
double LogNormalDensity(double x);
/** The inverse Mills ratio phi(x) / Phi(x), stable for very negative x. */
double InverseMillsRatio(double x);

}  // namespace moest::numerics
