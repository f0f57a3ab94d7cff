// MemoryBudget: bytes that concurrent workers share, so that memory stays
// bounded by the budget instead of growing with the number of workers.
//
// A worker reserves what a job will need before it allocates (pix-validate:
// the estimated size of a decode) and releases it when done; a reservation
// that does not fit waits until enough is released. One larger than the
// whole budget waits until nothing else is reserved and then runs alone, so
// every job eventually runs. Reservations are served in arrival order, so a
// large job is not starved by a stream of small ones.
//
// Thread-safety: every method may be called from any thread. Failure modes:
// none; a budget of 0 means unlimited (Reserve never waits).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "base/status.h"

namespace pix {

class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t bytes) : budget_(bytes) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Returns its bytes to the budget when destroyed.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept : owner_(other.owner_), bytes_(other.bytes_) { other.owner_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (owner_) owner_->Release(bytes_);
    }

   private:
    friend class MemoryBudget;
    Lease(MemoryBudget* owner, uint64_t bytes) : owner_(owner), bytes_(bytes) {}
    MemoryBudget* owner_ = nullptr;
    uint64_t bytes_ = 0;
  };

  // Blocks until `bytes` fit (or nothing else is reserved), then reserves them.
  Lease Reserve(uint64_t bytes);

  uint64_t budget() const { return budget_; }
  // The most ever reserved at once, and how many reservations had to wait.
  uint64_t peak() const;
  uint64_t waits() const;

 private:
  void Release(uint64_t bytes);

  const uint64_t budget_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t in_use_ = 0;
  uint64_t peak_ = 0;
  uint64_t waits_ = 0;
  uint64_t next_ticket_ = 0;
  uint64_t serving_ = 0;
};

// Parses a size for flags like --max-memory: bytes, or a number with K, M, G
// or T (powers of 1024, an optional trailing B or iB: "512M", "2GiB", "1.5G").
Result<uint64_t> ParseByteSize(std::string_view text);

}  // namespace pix
