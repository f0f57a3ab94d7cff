// What the machine gives a process: open-file descriptors and memory.
//
// RaiseOpenFileLimit() lifts the soft RLIMIT_NOFILE to the hard limit, as
// every tool with many connections or files should at start (1024 is a common
// soft limit; the hard one is usually far higher). DescriptorBudget() turns
// the limit into a number of simultaneous transfers. PhysicalMemoryBytes() is
// the RAM the machine has, for memory budgets that default to a share of it.
//
// Thread-safety: call RaiseOpenFileLimit() once, before threads start; the
// others are pure or read-only. Nothing here fails: where the system does not
// say, the functions return their fallback.
#pragma once

#include <cstdint>

namespace pix {

// Raises the soft open-file limit to the hard limit where possible; returns
// the soft limit now in force.
uint64_t RaiseOpenFileLimit();

// How many simultaneous slots fit in `limit` descriptors when each slot needs
// `per_slot` and the process keeps `reserve` for itself (stdio, pipes,
// threads' wake-ups, the resolver). At least 1.
int SlotsForDescriptors(uint64_t limit, int per_slot, int reserve);

// Physical memory in bytes; 4 GiB when the system does not say.
uint64_t PhysicalMemoryBytes();

}  // namespace pix
