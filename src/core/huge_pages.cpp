#include "moest/huge_pages.hpp"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace moest {

namespace {
constexpr std::size_t kHugePage = std::size_t(2) << 20;
}

void* AcquireArmaMemory(std::size_t bytes) noexcept {
  void* memory = nullptr;
  if (bytes >= kHugePage) {
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    if (posix_memalign(&memory, kHugePage, rounded) != 0) return nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(memory, rounded, MADV_HUGEPAGE);  // advice: refused or unsupported changes nothing
#endif
    return memory;
  }
  const std::size_t alignment = bytes >= 1024 ? 32 : 16;
  return posix_memalign(&memory, alignment, bytes) == 0 ? memory : nullptr;
}

void ReleaseArmaMemory(void* memory) noexcept { std::free(memory); }

}  // namespace moest
