// The only file that knows whether moest is compiled inside R. Inside R the package's Makevars
// defines MOEST_R_BUILD so that Armadillo comes from RcppArmadillo (which routes its errors and
// output through R); everywhere else it is the system Armadillo.
#pragma once

#include "moest/huge_pages.hpp"  // Armadillo's allocator: must come before Armadillo

#ifdef MOEST_R_BUILD
#include <RcppArmadillo.h>
#else
#include <armadillo>
#endif
