#include "moest/model/spec.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "moest/errors.hpp"
#include "moest/io/text.hpp"

namespace moest {

namespace {

bool IsName(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])))) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

}  // namespace

double ComponentSpec::Number(const std::string& key, double fallback) const {
  const auto it = options.find(key);
  if (it == options.end()) return fallback;
  const char* begin = it->second.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(value)) {
    throw InputError(family + ": option '" + key + "' must be a finite number, not '" + it->second + "'");
  }
  return value;
}

long ComponentSpec::Integer(const std::string& key, long fallback, long minimum) const {
  if (options.find(key) == options.end()) return fallback;
  const double value = Number(key, 0.0);
  if (value != std::floor(value) || value < static_cast<double>(minimum)) {
    throw InputError(family + ": option '" + key + "' must be a whole number of at least " +
                     std::to_string(minimum) + ", not '" + options.at(key) + "'");
  }
  return static_cast<long>(value);
}

std::string ComponentSpec::Text(const std::string& key, const std::string& fallback) const {
  const auto it = options.find(key);
  return it == options.end() ? fallback : it->second;
}

void ComponentSpec::CheckKnown(std::initializer_list<const char*> known) const {
  for (const auto& option : options) {
    bool found = false;
    std::string list;
    for (const char* name : known) {
      found = found || option.first == name;
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    if (!found) {
      throw InputError(family + " has no option '" + option.first + "'" +
                       (list.empty() ? " (it takes none)" : " (its options: " + list + ")"));
    }
  }
}

std::string ComponentSpec::ToString() const {
  if (options.empty()) return family;
  std::string out = family + "(";
  bool first = true;
  for (const auto& option : options) {
    out += (first ? "" : ", ") + option.first + " = " + option.second;
    first = false;
  }
  return out + ")";
}

ComponentSpec ParseSpec(const std::string& text) {
  ComponentSpec spec;
  const std::string trimmed = Trim(text);
  const auto open = trimmed.find('(');
  spec.family = Trim(trimmed.substr(0, open));
  if (!IsName(spec.family)) throw InputError("'" + text + "' does not start with a family name");
  if (open == std::string::npos) return spec;
  if (trimmed.back() != ')') throw InputError("'" + text + "' has no closing ')'");
  const std::string inside = trimmed.substr(open + 1, trimmed.size() - open - 2);
  if (Trim(inside).empty()) return spec;
  std::size_t start = 0;
  while (start <= inside.size()) {
    const auto comma = inside.find(',', start);
    const std::string item = inside.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const auto equals = item.find('=');
    if (equals == std::string::npos) {
      throw InputError("'" + text + "': option '" + Trim(item) + "' needs a value (name = value)");
    }
    const std::string name = Trim(item.substr(0, equals));
    const std::string value = Trim(item.substr(equals + 1));
    if (!IsName(name)) throw InputError("'" + text + "': '" + name + "' is not an option name");
    if (value.empty()) throw InputError("'" + text + "': option '" + name + "' has no value");
    if (!spec.options.emplace(name, value).second) {
      throw InputError("'" + text + "' sets option '" + name + "' twice");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return spec;
}

}  // namespace moest
