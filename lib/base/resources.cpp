#include "base/resources.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace pix {

uint64_t RaiseOpenFileLimit() {
  rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur != rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  return rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : static_cast<uint64_t>(rl.rlim_cur);
}

int SlotsForDescriptors(uint64_t limit, int per_slot, int reserve) {
  if (limit <= static_cast<uint64_t>(reserve) + per_slot) return 1;
  const uint64_t slots = (limit - static_cast<uint64_t>(reserve)) / static_cast<uint64_t>(per_slot);
  return static_cast<int>(std::min<uint64_t>(slots, 1 << 30));
}

uint64_t PhysicalMemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 4ull << 30;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page);
}

}  // namespace pix
