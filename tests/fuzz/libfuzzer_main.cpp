// libFuzzer driver: MOEST_FUZZ_ENTRY names the entry of targets.hpp this binary fuzzes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  moest::fuzz::MOEST_FUZZ_ENTRY(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
