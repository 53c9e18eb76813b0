#include "interrupt.hpp"

#include <signal.h>

#include <csignal>

namespace moest::cli {

namespace {

// Only a lock-free flag may be touched from a signal handler.
volatile std::sig_atomic_t interruptFlag = 0;

extern "C" void OnInterrupt(int /*signal*/) { interruptFlag = 1; }

}  // namespace

void InstallInterruptHandler() {
  struct sigaction previous {};
  if (sigaction(SIGINT, nullptr, &previous) == 0 && previous.sa_handler == SIG_IGN) return;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  // One-shot: a second Ctrl-C gets the default action, for a user who cannot wait.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
}

bool InterruptRequested() { return interruptFlag != 0; }

}  // namespace moest::cli
