#include "moest/blas_threads.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <dlfcn.h>
#endif

namespace moest {

namespace {

using SetThreads = void (*)(int);
using GetInt = int (*)();

// OpenBLAS's controls, looked up once in the symbols the process has loaded.
struct BlasControls {
  SetThreads set = nullptr;
  GetInt get = nullptr;
};

BlasControls FindControls() {
  BlasControls controls;
#if defined(__unix__) || defined(__APPLE__)
  // openblas_get_parallel(): 0 sequential, 1 pthreads, 2 OpenMP. Only the pthreads pool competes with
  // moest's threads; the OpenMP build's thread count is OpenMP's, which moest must not change.
  const auto parallel = reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
  if (parallel == nullptr || parallel() != 1) return controls;
  controls.set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  controls.get = reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (controls.set == nullptr || controls.get == nullptr) controls = BlasControls{};
#endif
  return controls;
}

const BlasControls& Controls() {
  static const BlasControls controls = FindControls();
  return controls;
}

}  // namespace

OneBlasThread::OneBlasThread() {
  const BlasControls& blas = Controls();
  if (blas.set == nullptr) return;
  const int threads = blas.get();
  if (threads <= 1) return;
  previous_ = threads;
  blas.set(1);
}

OneBlasThread::~OneBlasThread() {
  if (previous_ > 0) Controls().set(previous_);
}

int OneBlasThread::Current() {
  const BlasControls& blas = Controls();
  return blas.get == nullptr ? 0 : blas.get();
}

}  // namespace moest
