// Process-wide signal handling shared by all tools.
//
// InstallSignalHandlers() makes SIGINT and SIGTERM set a flag (without
// SA_RESTART, so blocking reads and polls return early) and ignores SIGPIPE,
// so that writing to a closed pipe becomes an EPIPE error the writer can turn
// into a quiet exit. Long loops poll InterruptRequested() and wind down:
// finish writing what is done, keep partial state resumable, exit 130.
#pragma once

namespace pix {

void InstallSignalHandlers();
bool InterruptRequested();
// A descriptor that becomes readable once SIGINT or SIGTERM has arrived
// (-1 before InstallSignalHandlers). A poll loop includes it so that a signal
// wakes it at once, whichever of the process's threads the kernel chose to
// interrupt, and so can sleep long when nothing happens.
int InterruptFd();
// For tests: pretend a signal arrived (or clear the flag).
void SetInterruptRequested(bool value);

}  // namespace pix
