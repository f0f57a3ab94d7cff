// pix-dedup's side of the speed benchmark: builds the library's HammingIndex
// over the same hash file and self-joins it at the radius, as pix-dedup does
// for its near-duplicate pass. Linked against the project's libpix.a as
// built (not with the benchmark's compiler flags).
//
//   index_pass HASH_FILE RADIUS THREADS [KEY_BITS]
// prints: pairs=N fingerprint=X key_bits=K build_s=B join_s=J index_mb=M
// KEY_BITS (default: the index's own choice) is for exploring the trade-off.
#include <chrono>
#include <cstdlib>

#include "hash/hamming_index.h"
#include "pairs.h"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: index_pass HASH_FILE RADIUS THREADS [KEY_BITS]\n");
    return 2;
  }
  const std::vector<uint64_t> h = bench::ReadHashes(argv[1]);
  const int radius = std::atoi(argv[2]);
  const int threads = std::atoi(argv[3]);
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  pix::HammingIndex index(h, argc == 5 ? std::atoi(argv[4]) : 0);
  const auto t1 = Clock::now();
  const auto pairs = index.SelfJoin(radius, threads);
  const auto t2 = Clock::now();
  bench::PairSet all;
  for (const auto& p : pairs) all.Add(p.a, p.b, p.distance);
  std::printf("pairs=%llu fingerprint=%016llx key_bits=%d build_s=%.3f join_s=%.3f index_mb=%.1f\n",
              static_cast<unsigned long long>(all.count),
              static_cast<unsigned long long>(all.fingerprint), index.key_bits(),
              std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count(), index.MemoryBytes() / 1048576.0);
  return 0;
}
