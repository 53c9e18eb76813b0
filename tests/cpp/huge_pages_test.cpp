// Armadillo's large blocks: 2 MiB aligned, and a freed one is reused by the thread's next block of about
// the same size (the next start of a fit), not faulted in afresh.
#include <gtest/gtest.h>

#include <cstdint>
#include <thread>

#include "moest/arma.hpp"

namespace moest {
namespace {

TEST(HugePages, LargeBlocksAreAlignedAndReusedByTheNextOfTheirSize) {
  // On a thread of its own, whose list of kept blocks starts empty.
  const double *first = nullptr, *second = nullptr, *third = nullptr, *small = nullptr;
  std::thread worker([&] {
    {
      arma::mat a(1000, 600);  // 4.8 MB: three 2 MiB pages
      a.fill(1.0);
      first = a.memptr();
    }
    arma::mat b(1200, 500);  // the same whole pages
    second = b.memptr();
    arma::mat c(1000, 600);  // none kept now: a block of its own
    third = c.memptr();
    arma::mat d(10, 10);
    small = d.memptr();
  });
  worker.join();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % (std::uintptr_t(2) << 20), 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(small) % 16, 0u);  // small blocks keep Armadillo's alignment
#if defined(__linux__) && defined(__GLIBC__)
  EXPECT_EQ(second, first);
  EXPECT_NE(third, first);
#endif
}

}  // namespace
}  // namespace moest
