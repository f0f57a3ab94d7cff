#include "base/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace pix {
namespace {

std::atomic<bool> g_interrupted{false};
int g_wake[2] = {-1, -1};  // a self-pipe: written by the handler, never drained while set

void Wake() {
  if (g_wake[1] >= 0) (void)!::write(g_wake[1], "x", 1);  // async-signal-safe
}

void OnSignal(int) {
  g_interrupted.store(true, std::memory_order_relaxed);
  Wake();
}

}  // namespace

void InstallSignalHandlers() {
  if (g_wake[0] < 0 && ::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) g_wake[0] = g_wake[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: let read() and poll() return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool InterruptRequested() { return g_interrupted.load(std::memory_order_relaxed); }

int InterruptFd() { return g_wake[0]; }

void SetInterruptRequested(bool value) {
  g_interrupted.store(value, std::memory_order_relaxed);
  if (value) {
    Wake();
  } else if (g_wake[0] >= 0) {
    char buf[64];
    while (::read(g_wake[0], buf, sizeof buf) > 0) {
    }
  }
}

}  // namespace pix
