#include "base/signals.h"

#include <signal.h>

#include <atomic>

namespace pix {
namespace {

std::atomic<bool> g_interrupted{false};

void OnSignal(int) { g_interrupted.store(true, std::memory_order_relaxed); }

}  // namespace

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: let read() and poll() return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool InterruptRequested() { return g_interrupted.load(std::memory_order_relaxed); }

void SetInterruptRequested(bool value) { g_interrupted.store(value, std::memory_order_relaxed); }

}  // namespace pix
