// HammingIndex: finds every pair of 64-bit hashes (perceptual hashes) within
// a Hamming radius without comparing all pairs, by multi-index hashing
// (Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with Multi-Index
// Hashing", CVPR 2012).
//
// The 64 bits are split into four 16-bit substrings, one per table. If two
// hashes differ in at most r bits, then by the pigeonhole principle some
// substring t differs in at most r_t bits whenever sum over t of (r_t + 1) >=
// r + 1; so a pair is found by looking, in each table, at the buckets whose
// keys are within r_t of a key. For r = 10 the radii are 2, 2, 2, 1.
//
// A table's key is the first b bits of its substring (b <= 16): if the
// substrings differ in at most r_t bits, so do their prefixes. b trades
// buckets for comparisons. The index picks b so that a bucket holds about 16
// hashes (b = 13 at 100,000, 16 from a million), which the speed benchmark
// found fastest: fewer, fuller buckets cost more comparisons than the probes
// they save (at a million, b = 14 joins 1.4x slower than b = 16); at small n
// more, emptier buckets cost probes that find nothing.
// A self-join walks the buckets, not the hashes, so each pair of buckets is
// visited once and the comparisons run over contiguous arrays; a pair that
// several tables would find is reported only by the first of them.
//
// Real perceptual hashes are not uniform (pHash's DC bit is almost always 1),
// and a biased bit in a key crowds its buckets. The index therefore permutes
// the bits before splitting: bits are ranked by entropy on the data and dealt
// to the tables in snake order, so every table gets an equal share of the
// informative bits. Distances do not change under a permutation.
//
// Memory: 12 bytes per hash per table (48 bytes) plus at most 1 MiB of bucket
// offsets. Where probing would cost more than comparing all pairs (at the
// default radius 10, below about 23,000 hashes; at any size above 17 bits),
// SelfJoin and Query fall back to a linear scan.
//
// Join pairs a second set of hashes with the indexed ones the same way (the
// crop search of pix-dedup: window hashes against full-frame hashes).
//
// Thread-safety: immutable after construction; SelfJoin, Join and Query may run
// concurrently. SelfJoin uses `threads` worker threads of its own.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

namespace pix {

// A pair of positions in the indexed span, a < b, and their distance (from
// Join: a query's position and an indexed hash's id).
struct HammingPair {
  uint32_t a;
  uint32_t b;
  uint32_t distance;
  bool operator==(const HammingPair&) const = default;
};

// A position in the indexed span and its distance from a query.
struct HammingMatch {
  uint32_t id;
  uint32_t distance;
};

inline int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

class HammingIndex {
 public:
  static constexpr int kTables = 4;
  static constexpr int kSubstringBits = 16;
  static constexpr int kMaxRadius = 64;

  // Indexes `hashes`; the id of hashes[i] is i. `key_bits` (1..16) sets the
  // bits of each table's key; 0 chooses them from the number of hashes.
  // REQUIRES: size < 2^32.
  explicit HammingIndex(std::span<const uint64_t> hashes, int key_bits = 0);

  size_t size() const { return n_; }
  int key_bits() const { return key_bits_; }

  // The key bits chosen for `n` hashes: about 16 hashes per bucket.
  static int KeyBitsFor(size_t n);

  // Every pair (a < b) of indexed hashes at distance <= radius, each exactly
  // once, in no particular order. REQUIRES: 0 <= radius <= kMaxRadius.
  std::vector<HammingPair> SelfJoin(int radius, int threads = 1) const;

  // Every pair of a query (a: its position in `queries`) and an indexed
  // hash (b: its id) at distance <= radius, each exactly once, in no
  // particular order. The queries are bucketed by the index's keys and the
  // two sets joined bucket by bucket, as SelfJoin does: at many queries
  // this costs far less than a Query for each. REQUIRES: as SelfJoin;
  // queries.size() < 2^32.
  std::vector<HammingPair> Join(std::span<const uint64_t> queries, int radius,
                                int threads = 1) const;

  // Appends to `out` every indexed hash within `radius` of `query`, each once.
  void Query(uint64_t query, int radius, std::vector<HammingMatch>* out) const;

  // Bytes held by the index (tables and offsets), for the benchmarks.
  size_t MemoryBytes() const;

  // How a radius is split over the tables: the number of tables probed and
  // the radius within each; tables == 0 means a linear scan is cheaper.
  struct Plan {
    int tables = 0;
    std::array<int, kTables> radius{};
    int key_bits = kSubstringBits;
  };
  static Plan PlanFor(int radius, int key_bits = kSubstringBits);

 private:
  struct Table {
    std::vector<uint32_t> offsets;  // 2^key_bits + 1 bucket starts into the arrays below
    std::vector<uint64_t> hashes;   // permuted hashes, sorted by this table's key
    std::vector<uint32_t> ids;
  };
  static Table SortedByKey(std::span<const uint64_t> permuted, int table, int key_bits);
  uint64_t Permute(uint64_t hash) const;
  void JoinTable(const Plan& plan, int table, int radius, int threads,
                 std::vector<HammingPair>* out) const;

  size_t n_ = 0;
  int key_bits_ = kSubstringBits;
  std::array<std::array<uint64_t, 256>, 8> permute_{};  // byte k, value v -> permuted bits
  std::array<Table, kTables> tables_;
};

}  // namespace pix
