// Shared by the two programs of the dedup speed benchmark: reading the hash
// file and an order-independent fingerprint of a set of pairs, so that the
// index and the all-pairs scan can be checked to find exactly the same pairs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <vector>

namespace bench {

// The file is n little-endian uint64 hashes.
inline std::vector<uint64_t> ReadHashes(const char* path) {
  std::vector<uint64_t> h;
  FILE* f = std::fopen(path, "rb");
  if (!f) return h;
  uint64_t buf[4096];
  size_t got;
  while ((got = std::fread(buf, 8, 4096, f)) > 0) h.insert(h.end(), buf, buf + got);
  std::fclose(f);
  return h;
}

inline uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Sum of a strong mix of each pair (a < b) and its distance: equal sums and
// counts mean equal sets, barring a 2^-64 accident.
struct PairSet {
  uint64_t count = 0;
  uint64_t fingerprint = 0;
  void Add(uint32_t a, uint32_t b, uint32_t d) {
    ++count;
    fingerprint += Mix((uint64_t{a} << 32 | b) * 131 + d);
  }
  void Merge(const PairSet& o) {
    count += o.count;
    fingerprint += o.fingerprint;
  }
};

}  // namespace bench
