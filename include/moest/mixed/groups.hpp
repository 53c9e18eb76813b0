// The grouping of rows for mixed-effects models: validated group ids and the rows of each group.
#pragma once

#include <string>
#include <vector>

#include "moest/arma.hpp"

namespace moest {

struct GroupIndex {
  arma::uvec ofRow;                // n: the dense group index 0..G-1 of each row
  std::vector<arma::uvec> members; // G: the rows of each group, ascending
  arma::uvec labels;               // G: the caller's id of each dense group (sorted ascending)
  std::vector<std::string> names;  // G: each group's label as the user wrote it (for messages)

  arma::uword G() const { return members.size(); }
};

/** The label of caller id `id`: names[id] when `names` covers it, otherwise the number. */
std::string GroupLabelOf(const std::vector<std::string>& names, arma::uword id);

/**
 * Index the group ids of n rows; `names` (optional) gives the label of each id, as the user wrote it,
 * so that messages name groups by label. InputError naming `column` (and the group's label) when the
 * lengths differ, when there is a single group, or (with `needTwoPerGroup`, e.g. for random slopes)
 * when a group has one member (the message names `slopes`, the slope columns).
 */
GroupIndex IndexGroups(const arma::uvec& ids, arma::uword n, const std::string& column, bool needTwoPerGroup,
                       const std::vector<std::string>& names = {}, const std::string& slopes = "");

/** Sum the n values `v` within each group: a G-vector. */
arma::vec SumByGroup(const GroupIndex& groups, const arma::vec& v);

}  // namespace moest
