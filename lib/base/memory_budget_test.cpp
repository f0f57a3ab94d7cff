#include "base/memory_budget.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace pix {
namespace {

TEST_CASE("MemoryBudget keeps concurrent reservations within the budget") {
  MemoryBudget budget(100);
  std::atomic<uint64_t> held{0}, worst{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < 8; ++i) {
    workers.emplace_back([&] {
      for (int k = 0; k < 50; ++k) {
        auto lease = budget.Reserve(40);
        const uint64_t now = held += 40;
        uint64_t w = worst.load();
        while (now > w && !worst.compare_exchange_weak(w, now)) {
        }
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        held -= 40;
      }
    });
  }
  for (auto& t : workers) t.join();
  CHECK(worst.load() <= 80);  // two of 40 fit in 100, three do not
  CHECK(budget.peak() <= 100);
  CHECK(budget.waits() > 0);
}

TEST_CASE("a reservation larger than the budget runs alone instead of never") {
  MemoryBudget budget(100);
  auto small = std::make_unique<MemoryBudget::Lease>(budget.Reserve(10));
  std::atomic<bool> big_done{false};
  std::thread big([&] {
    auto lease = budget.Reserve(1000);
    big_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(big_done.load());
  small.reset();
  big.join();
  CHECK(big_done.load());
  CHECK(budget.peak() == 1000);
}

TEST_CASE("a budget of 0 never waits") {
  MemoryBudget budget(0);
  auto a = budget.Reserve(UINT64_MAX / 2);
  auto b = budget.Reserve(UINT64_MAX / 2);
  CHECK(budget.waits() == 0);
}

TEST_CASE("ParseByteSize") {
  CHECK(*ParseByteSize("1024") == 1024);
  CHECK(*ParseByteSize("512M") == 512ull << 20);
  CHECK(*ParseByteSize("2GiB") == 2ull << 30);
  CHECK(*ParseByteSize("1.5g") == 3ull << 29);
  CHECK(*ParseByteSize("64kb") == 64ull << 10);
  CHECK_FALSE(ParseByteSize("lots").ok());
  CHECK_FALSE(ParseByteSize("-1G").ok());
  CHECK_FALSE(ParseByteSize("5X").ok());
}

}  // namespace
}  // namespace pix
