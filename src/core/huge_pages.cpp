#include "moest/huge_pages.hpp"

#include <cstdint>
#include <cstdlib>

#if defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#endif

namespace moest {

namespace {

constexpr std::size_t kHugePage = std::size_t(2) << 20;

#if defined(__linux__) && defined(__GLIBC__)
// Freed large blocks kept by each thread for its next allocation of about the same size: the starts of a
// fit (and the replicates of a rates study) allocate the same n x K buffers one after the other, and a
// block given back to the system is faulted in and cleared again by the next start (on this kind of
// virtual machine clearing those pages was 16% of an 8-start fit at n = 1e5). Only blocks of up to
// kKeptLargest are kept, at most kKeptBlocks of them and kKeptBytes in all per thread; and a request for
// a larger block (a large fit's n x K buffers) first frees every kept block, so that they do not add to
// the peak memory of a large fit (measured at n = 1e7, p = 5: they had added 30 MB to its 1.39 GB).
constexpr std::size_t kKeptBlocks = 8;
constexpr std::size_t kKeptBytes = std::size_t(32) << 20;
constexpr std::size_t kKeptLargest = std::size_t(16) << 20;

// Trivially destructible, so that its storage stays valid for the thread's whole life: a matrix freed
// by a destructor that runs after the Cleanup below (at exit) finds it closed and frees directly.
struct KeptBlocks {
  void* memory[kKeptBlocks];
  std::size_t bytes[kKeptBlocks];  // whole huge pages usable in each (posix_memalign's block can be larger
                                   // than asked: glibc maps the alignment's slack with it)
  std::size_t count;
  std::size_t total;
  bool registered;  // the Cleanup of this thread exists
  bool closed;      // the thread is ending: keep nothing
};
thread_local KeptBlocks kept{};

void FreeKept() {
  for (std::size_t i = 0; i < kept.count; ++i) std::free(kept.memory[i]);
  kept.count = 0;
  kept.total = 0;
}

struct Cleanup {
  ~Cleanup() {
    FreeKept();
    kept.closed = true;
  }
};

/**
 * The most recently kept block of at least `bytes` (and less than two huge pages more), taken out of the
 * list; or null. A request larger than any block that is kept frees them all.
 */
void* TakeKept(std::size_t bytes) {
  if (bytes > kKeptLargest) {
    FreeKept();
    return nullptr;
  }
  for (std::size_t i = kept.count; i-- > 0;) {
    if (kept.bytes[i] >= bytes && kept.bytes[i] < bytes + 2 * kHugePage) {
      void* memory = kept.memory[i];
      kept.total -= kept.bytes[i];
      --kept.count;
      kept.memory[i] = kept.memory[kept.count];
      kept.bytes[i] = kept.bytes[kept.count];
      return memory;
    }
  }
  return nullptr;
}

/** Keeps a block from the huge-page path for reuse; false when it is not one or there is no room. */
bool Keep(void* memory) {
  if (kept.closed || reinterpret_cast<std::uintptr_t>(memory) % kHugePage != 0) return false;
  const std::size_t bytes = malloc_usable_size(memory) / kHugePage * kHugePage;
  if (bytes < kHugePage || bytes > kKeptLargest || kept.count == kKeptBlocks || kept.total + bytes > kKeptBytes) {
    return false;
  }
  if (!kept.registered) {
    static thread_local Cleanup cleanup;  // constructed here, once per thread: frees the list at its end
    kept.registered = true;
  }
  kept.memory[kept.count] = memory;
  kept.bytes[kept.count] = bytes;
  ++kept.count;
  kept.total += bytes;
  return true;
}
#else
void* TakeKept(std::size_t) { return nullptr; }
bool Keep(void*) { return false; }
#endif

}  // namespace

void* AcquireArmaMemory(std::size_t bytes) noexcept {
  void* memory = nullptr;
  if (bytes >= kHugePage) {
    const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    if ((memory = TakeKept(rounded)) != nullptr) return memory;
    if (posix_memalign(&memory, kHugePage, rounded) != 0) return nullptr;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(memory, rounded, MADV_HUGEPAGE);  // advice: refused or unsupported changes nothing
#endif
    return memory;
  }
  const std::size_t alignment = bytes >= 1024 ? 32 : 16;
  return posix_memalign(&memory, alignment, bytes) == 0 ? memory : nullptr;
}

void ReleaseArmaMemory(void* memory) noexcept {
  if (memory != nullptr && Keep(memory)) return;
  std::free(memory);
}

}  // namespace moest
