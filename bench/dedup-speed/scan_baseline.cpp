// The brute-force peer of the dedup speed benchmark: compares every pair of
// hashes with XOR and popcount, as a simple near-duplicate finder would.
// Built with -O3 -march=native, so the compiler vectorises the inner loop
// (AVX-512 VPOPCNTQ where the CPU has it), and tiled so that each loaded hash
// is compared with eight rows at once; rows are dealt to threads from both
// ends so the triangle is shared evenly.
//
//   scan_baseline HASH_FILE RADIUS THREADS
// prints: pairs=N fingerprint=X
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdlib>
#include <thread>

#include "pairs.h"

namespace {

constexpr size_t kRows = 8;     // rows compared per pass over the columns
constexpr size_t kBlock = 256;  // columns counted before looking for hits

void ScanTile(const std::vector<uint64_t>& h, size_t row, int radius, bench::PairSet* out) {
  const size_t n = h.size();
  const size_t rows = std::min(kRows, n - row);
  uint64_t x[kRows] = {};
  for (size_t r = 0; r < rows; ++r) x[r] = h[row + r];
  // Pairs inside the tile.
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = r + 1; c < rows; ++c) {
      const int d = std::popcount(x[r] ^ x[c]);
      if (d <= radius) out->Add(row + r, row + c, d);
    }
  }
  for (size_t b0 = row + rows; b0 < n; b0 += kBlock) {
    const size_t e = std::min(n, b0 + kBlock);
    unsigned hits = 0;
    for (size_t b = b0; b < e; ++b) {
      const uint64_t y = h[b];
      for (size_t r = 0; r < kRows; ++r) hits += std::popcount(x[r] ^ y) <= radius;
    }
    if (hits == 0) continue;
    for (size_t b = b0; b < e; ++b) {
      for (size_t r = 0; r < rows; ++r) {
        const int d = std::popcount(x[r] ^ h[b]);
        if (d <= radius) out->Add(row + r, b, d);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: scan_baseline HASH_FILE RADIUS THREADS\n");
    return 2;
  }
  const std::vector<uint64_t> h = bench::ReadHashes(argv[1]);
  const int radius = std::atoi(argv[2]);
  const int threads = std::max(1, std::atoi(argv[3]));
  const size_t tiles = (h.size() + kRows - 1) / kRows;
  std::atomic<size_t> next{0};
  std::vector<bench::PairSet> found(threads);
  auto work = [&](int t) {
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= tiles) return;
      // Alternate long rows (top) and short rows (bottom).
      const size_t tile = (i % 2 == 0) ? i / 2 : tiles - 1 - i / 2;
      ScanTile(h, tile * kRows, radius, &found[t]);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  bench::PairSet all;
  for (const auto& f : found) all.Merge(f);
  std::printf("pairs=%llu fingerprint=%016llx\n", static_cast<unsigned long long>(all.count),
              static_cast<unsigned long long>(all.fingerprint));
  return 0;
}
