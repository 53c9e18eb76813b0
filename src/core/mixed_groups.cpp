#include "moest/mixed/groups.hpp"

#include <algorithm>

#include "moest/errors.hpp"

namespace moest {

std::string GroupLabelOf(const std::vector<std::string>& names, arma::uword id) {
  return id < names.size() ? names[id] : std::to_string(id);
}

GroupIndex IndexGroups(const arma::uvec& ids, arma::uword n, const std::string& column, bool needTwoPerGroup,
                       const std::vector<std::string>& names, const std::string& slopes) {
  if (ids.n_elem != n) {
    throw InputError("group column '" + column + "' has " + std::to_string(ids.n_elem) + " values but the data have " +
                     std::to_string(n) + " rows");
  }
  GroupIndex index;
  index.labels = arma::unique(ids);
  if (!names.empty() && !index.labels.empty() && index.labels.max() >= names.size()) {
    throw InputError("group column '" + column + "': a group id has no label");
  }
  for (arma::uword g = 0; g < index.labels.n_elem; ++g) index.names.push_back(GroupLabelOf(names, index.labels(g)));
  if (index.labels.n_elem < 2) {
    const std::string only = index.names.empty() ? std::string() : " ('" + index.names[0] + "')";
    throw InputError("group column '" + column + "' has a single group" + only +
                     ": random effects need at least two groups");
  }
  index.ofRow.set_size(n);
  for (arma::uword i = 0; i < n; ++i) {
    // labels is sorted: binary search for the dense index.
    const auto* first = index.labels.memptr();
    index.ofRow(i) = static_cast<arma::uword>(std::lower_bound(first, first + index.labels.n_elem, ids(i)) - first);
  }
  std::vector<std::vector<arma::uword>> rows(index.labels.n_elem);
  for (arma::uword i = 0; i < n; ++i) rows[index.ofRow(i)].push_back(i);
  for (arma::uword g = 0; g < rows.size(); ++g) {
    if (needTwoPerGroup && rows[g].size() < 2) {
      throw InputError("group '" + index.names[g] + "' of column '" + column + "' has a single row (row " +
                       std::to_string(rows[g][0] + 1) + "): random slopes" + (slopes.empty() ? std::string() : " (" + slopes + ")") +
                       " need at least two rows per group");
    }
    index.members.emplace_back(rows[g]);
  }
  return index;
}

arma::vec SumByGroup(const GroupIndex& groups, const arma::vec& v) {
  arma::vec out(groups.G(), arma::fill::zeros);
  for (arma::uword i = 0; i < v.n_elem; ++i) out(groups.ofRow(i)) += v(i);
  return out;
}

}  // namespace moest
