#include "hash/hamming_index.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>
#include <tuple>

namespace pix {
namespace {

std::vector<HammingPair> AllPairs(const std::vector<uint64_t>& h, int radius) {
  std::vector<HammingPair> out;
  for (uint32_t a = 0; a < h.size(); ++a) {
    for (uint32_t b = a + 1; b < h.size(); ++b) {
      const int d = HammingDistance(h[a], h[b]);
      if (d <= radius) out.push_back({a, b, static_cast<uint32_t>(d)});
    }
  }
  return out;
}

void Sort(std::vector<HammingPair>* pairs) {
  std::sort(pairs->begin(), pairs->end(), [](const HammingPair& x, const HammingPair& y) {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
}

// Clustered, biased hashes like real pHashes: a few bits nearly constant,
// groups of near copies at distances up to `spread`.
std::vector<uint64_t> ClusteredHashes(size_t n, int spread, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out;
  while (out.size() < n) {
    uint64_t centre = rng();
    centre |= 1;                                     // a DC bit that is always set
    if (rng() % 4) centre &= ~(uint64_t{0xF} << 8);  // a mostly-zero nibble
    out.push_back(centre);
    const int copies = static_cast<int>(rng() % 6);
    for (int c = 0; c < copies && out.size() < n; ++c) {
      uint64_t h = centre;
      const int flips = static_cast<int>(rng() % (spread + 1));
      for (int f = 0; f < flips; ++f) h ^= uint64_t{1} << (rng() % 64);
      out.push_back(h);
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

TEST_CASE("HammingIndex plans satisfy the pigeonhole condition") {
  for (int r = 0; r <= HammingIndex::kMaxRadius; ++r) {
    const auto plan = HammingIndex::PlanFor(r);
    if (plan.tables == 0) {
      CHECK(r > 16);  // a scan only where probing would be dearer
      continue;
    }
    int sum = 0;
    for (int t = 0; t < plan.tables; ++t) sum += plan.radius[t] + 1;
    CHECK(sum >= r + 1);
  }
  const auto ten = HammingIndex::PlanFor(10);
  CHECK(ten.tables == 4);
  CHECK(ten.radius == std::array<int, 4>{2, 2, 2, 1});
}

TEST_CASE("HammingIndex chooses about 16 hashes per bucket") {
  CHECK(HammingIndex::KeyBitsFor(0) == 1);
  CHECK(HammingIndex::KeyBitsFor(3000) == 8);
  CHECK(HammingIndex::KeyBitsFor(100000) == 13);
  CHECK(HammingIndex::KeyBitsFor(1000000) == 16);
  CHECK(HammingIndex::KeyBitsFor(size_t{1} << 30) == 16);
  CHECK(HammingIndex(std::vector<uint64_t>(3000)).key_bits() == 8);
}

TEST_CASE("HammingIndex self-join finds exactly the pairs of an all-pairs scan") {
  const auto hashes = ClusteredHashes(3000, 14, 7);
  // Auto (a scan at this size for most radii), short keys, and full keys.
  for (int key_bits : {0, 9, 12, 16}) {
    CAPTURE(key_bits);
    HammingIndex index(hashes, key_bits);
    for (int radius : {0, 1, 3, 4, 6, 10, 12, 20, 28}) {
      CAPTURE(radius);
      auto want = AllPairs(hashes, radius);
      for (int threads : {1, 2}) {
        auto got = index.SelfJoin(radius, threads);
        Sort(&got);
        Sort(&want);
        CHECK(got.size() == want.size());
        CHECK(got == want);
      }
    }
  }
}

TEST_CASE("HammingIndex finds pairs that differ only inside one key") {
  // Every flipped bit in the same 16-bit substring: the worst case for one
  // table, which the other tables must cover.
  std::vector<uint64_t> hashes;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 200; ++i) {
    const uint64_t h = rng();
    hashes.push_back(h);
    hashes.push_back(h ^ 0x3FF);             // 10 low bits
    hashes.push_back(h ^ (0x3FFull << 54));  // 10 high bits
  }
  auto want = AllPairs(hashes, 10);
  Sort(&want);
  CHECK(want.size() >= 400);
  for (int key_bits : {10, 16}) {
    HammingIndex index(hashes, key_bits);
    auto got = index.SelfJoin(10);
    Sort(&got);
    CHECK(got == want);
  }
}

TEST_CASE("HammingIndex query returns each match once") {
  const auto hashes = ClusteredHashes(2000, 12, 11);
  for (int key_bits : {0, 10, 16}) {
    HammingIndex index(hashes, key_bits);
    for (int radius : {0, 5, 10, 24}) {
      for (size_t q = 0; q < 50; ++q) {
        std::vector<HammingMatch> got;
        index.Query(hashes[q], radius, &got);
        std::set<uint32_t> ids;
        for (const auto& m : got) {
          CHECK(ids.insert(m.id).second);
          CHECK(static_cast<int>(m.distance) == HammingDistance(hashes[q], hashes[m.id]));
        }
        size_t want = 0;
        for (uint64_t h : hashes) want += HammingDistance(h, hashes[q]) <= radius;
        CHECK(got.size() == want);
      }
    }
  }
}

TEST_CASE("HammingIndex join of a second set finds exactly the pairs of a cross scan") {
  // Queries near some indexed hashes (windows of cropped pictures against
  // full frames) and far from others.
  const auto hashes = ClusteredHashes(3000, 14, 5);
  std::mt19937_64 rng(9);
  std::vector<uint64_t> queries;
  for (size_t i = 0; i < 4000; ++i) {
    uint64_t q = i % 2 ? hashes[rng() % hashes.size()] : rng();
    for (int f = static_cast<int>(rng() % 15); f > 0; --f) q ^= uint64_t{1} << (rng() % 64);
    queries.push_back(q);
  }
  for (int key_bits : {0, 10, 14, 16}) {
    CAPTURE(key_bits);
    HammingIndex index(hashes, key_bits);
    for (int radius : {0, 4, 10, 12, 24}) {
      CAPTURE(radius);
      std::vector<HammingPair> want;
      for (uint32_t a = 0; a < queries.size(); ++a) {
        for (uint32_t b = 0; b < hashes.size(); ++b) {
          const int d = HammingDistance(queries[a], hashes[b]);
          if (d <= radius) want.push_back({a, b, static_cast<uint32_t>(d)});
        }
      }
      if (radius >= 10) CHECK(want.size() > 1000);
      for (int threads : {1, 2}) {
        auto got = index.Join(queries, radius, threads);
        Sort(&got);
        CHECK(got.size() == want.size());
        CHECK(got == want);
      }
    }
  }
  CHECK(HammingIndex(hashes).Join({}, 10).empty());
  CHECK(HammingIndex(std::span<const uint64_t>{}).Join(queries, 10).empty());
}

TEST_CASE("HammingIndex handles empty and tiny inputs") {
  HammingIndex empty(std::span<const uint64_t>{});
  CHECK(empty.SelfJoin(10).empty());
  std::vector<HammingMatch> m;
  empty.Query(0, 10, &m);
  CHECK(m.empty());
  const std::vector<uint64_t> two = {0, 0};
  CHECK(HammingIndex(two).SelfJoin(0) == std::vector<HammingPair>{{0, 1, 0}});
}

}  // namespace
}  // namespace pix
