// A categorical response read from a table column (text or whole numbers) as class codes 0..C-1, and
// back. The labels are stored in the model file so that predictions map codes back to labels.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/io/csv.hpp"

namespace moest {

/**
 * The distinct labels of `column`, sorted (numerically for a numeric column, which must hold whole
 * numbers; as text otherwise). InputError naming the row of a missing cell or a non-whole number.
 */
std::vector<std::string> ClassLabels(const Column& column);
/** Each cell's position in `labels` (0-based) as an n x 1 matrix; InputError naming the row of a label not in it. */
arma::mat EncodeClasses(const Column& column, const std::vector<std::string>& labels);

}  // namespace moest
