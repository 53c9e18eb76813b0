// Ctrl-C during a fit: the first SIGINT only raises a flag, which the observer turns into a request
// to stop, so that the fit ends cleanly with status "interrupted"; a second one kills the process.
#pragma once

namespace moest::cli {

/**
 * Installs the SIGINT handler. Does nothing when SIGINT is ignored on entry (a background job of a
 * non-interactive shell), as the shell meant the job to survive a Ctrl-C typed at the terminal.
 */
void InstallInterruptHandler();

/** True once SIGINT has arrived after InstallInterruptHandler(). */
bool InterruptRequested();

}  // namespace moest::cli
