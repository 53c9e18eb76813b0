// OpenBLAS's own threads, held at one while moest works.
//
// Why: moest runs its own threads over independent work (starts, replicates, columns of an information
// matrix), and its BLAS calls are small (a design has a handful of columns). Debian's OpenBLAS starts a
// pool of threads, one per core, and hands even these calls to it: measured on a 2-core machine, a
// one-thread fit took 1.3 to 1.5 times as long with the pool as without it, and a two-thread fit was
// barely faster than a one-thread fit, the two pools fighting moest's threads for the cores.
//
// OneBlasThread finds OpenBLAS's controls at run time (dlsym), so it works whichever BLAS the program
// or R was linked with: with another BLAS, or with OpenBLAS built on OpenMP (which already runs one
// thread inside moest's parallel regions, and whose thread count is OpenMP's own), it does nothing.
#pragma once

namespace moest {

/** While alive, a pthreads OpenBLAS runs on one thread; the count before is restored on destruction. */
class OneBlasThread {
 public:
  OneBlasThread();
  ~OneBlasThread();
  OneBlasThread(const OneBlasThread&) = delete;
  OneBlasThread& operator=(const OneBlasThread&) = delete;

  /** OpenBLAS's thread count now, or 0 when no pthreads OpenBLAS is loaded (for tests and messages). */
  static int Current();

 private:
  int previous_ = 0;  // 0: nothing was changed
};

}  // namespace moest
