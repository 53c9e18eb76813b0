// OneBlasThread: OpenBLAS's pool is held at one thread while moest fits, and given back afterwards.
#include <dlfcn.h>

#include <gtest/gtest.h>

#include "moest/blas_threads.hpp"
#include "test_support.hpp"

namespace moest {
namespace {

using test::MakeLinearModel;
using test::SimulateLinear;

using SetThreads = void (*)(int);

/** OpenBLAS's own setter, as a user (or R's RhpcBLASctl) would call it; null without pthreads OpenBLAS. */
SetThreads Setter() {
  if (OneBlasThread::Current() == 0) return nullptr;
  return reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}

/** Records OpenBLAS's thread count at every EM iteration of a fit. */
class BlasCountObserver : public Observer {
 public:
  void OnIteration(int, const TraceRow&) override { counts.push_back(OneBlasThread::Current()); }
  std::vector<int> counts;
};

TEST(BlasThreads, HeldAtOneWhileAliveAndRestoredAfter) {
  const SetThreads set = Setter();
  // The build links Debian's OpenBLAS, whose default is the pthreads build; another BLAS has no pool.
  if (set == nullptr) GTEST_SKIP() << "no pthreads OpenBLAS in this process: OneBlasThread has nothing to hold";
  const int before = OneBlasThread::Current();
  set(2);
  ASSERT_EQ(OneBlasThread::Current(), 2);
  {
    const OneBlasThread outer;
    EXPECT_EQ(OneBlasThread::Current(), 1);
    {
      const OneBlasThread inner;  // nested: sees one thread already, and changes nothing on exit
      EXPECT_EQ(OneBlasThread::Current(), 1);
    }
    EXPECT_EQ(OneBlasThread::Current(), 1);
  }
  EXPECT_EQ(OneBlasThread::Current(), 2);
  set(before);
}

TEST(BlasThreads, AFitRunsOnOneBlasThreadAndGivesThePoolBack) {
  const SetThreads set = Setter();
  if (set == nullptr) GTEST_SKIP() << "no pthreads OpenBLAS in this process: OneBlasThread has nothing to hold";
  const int before = OneBlasThread::Current();
  set(2);
  const Model truth = MakeLinearModel({{0, 0}, {0.0, 2.0}}, {{{0.5, 1.0, 0.5}}, {{-0.5, 0.0, 0.5}}});
  const auto sim = SimulateLinear(truth, 400, 5);
  FitOptions options;
  options.starts = 2;
  options.threads = 2;
  BlasCountObserver observer;
  const FitResult fit = Fit(truth, sim.View(), options, observer);
  EXPECT_EQ(fit.stats.status, FitStatus::Converged);
  ASSERT_FALSE(observer.counts.empty());
  for (int count : observer.counts) EXPECT_EQ(count, 1);
  EXPECT_EQ(OneBlasThread::Current(), 2);
  set(before);
}

}  // namespace
}  // namespace moest
