// Armadillo's memory comes from here (moest/arma.hpp installs these two functions before it includes
// Armadillo; the R package's Makevars force-includes this header into every translation unit, so the
// package's generated glue code agrees).
//
// Why: an n x K buffer of a large fit is touched for the first time on every start, and on this kind of
// virtual machine a 4 KiB page fault costs ~25 us, more than the arithmetic on the page. Blocks of 2 MiB
// or more are therefore 2 MiB aligned, rounded up to whole 2 MiB pages and advised for transparent huge
// pages (madvise(MADV_HUGEPAGE)): one fault then maps 512 pages. Where the kernel has no transparent
// huge pages the advice is ignored. Smaller blocks are aligned as Armadillo aligns them. Both kinds are
// released with free(), as Armadillo's own allocator releases its blocks, except that each thread keeps
// a few freed huge-page blocks of up to 16 MiB (32 MiB in all) for its next allocation of about the same
// size: the next start of a fit then reuses the last start's buffers instead of faulting in and clearing
// new pages (with glibc on Linux; elsewhere every block is freed).
#pragma once

#include <cstddef>
#include <new>

namespace moest {

void* AcquireArmaMemory(std::size_t bytes) noexcept;
void ReleaseArmaMemory(void* memory) noexcept;

/** A standard allocator on the same memory: large vectors (a CSV table's columns) get huge pages too. */
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}
  T* allocate(std::size_t count) {
    void* memory = AcquireArmaMemory(count * sizeof(T));
    if (memory == nullptr) throw std::bad_alloc();
    return static_cast<T*>(memory);
  }
  void deallocate(T* memory, std::size_t) noexcept { ReleaseArmaMemory(memory); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
  template <typename U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept { return false; }
};

}  // namespace moest

#define ARMA_ALIEN_MEM_ALLOC_FUNCTION ::moest::AcquireArmaMemory
#define ARMA_ALIEN_MEM_FREE_FUNCTION ::moest::ReleaseArmaMemory
