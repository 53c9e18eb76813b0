// Scratch space kept inside an object to avoid reallocating it on every call. It is not part of the
// object's value: copying the object gives an empty scratch, so clones stay cheap.
#pragma once

namespace moest {

template <typename T>
struct Scratch {
  T value{};
  Scratch() = default;
  Scratch(const Scratch&) {}
  Scratch& operator=(const Scratch&) { return *this; }
  Scratch(Scratch&&) noexcept = default;
  Scratch& operator=(Scratch&&) noexcept = default;
};

}  // namespace moest
