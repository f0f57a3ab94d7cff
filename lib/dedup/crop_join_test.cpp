#include "dedup/crop_join.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <tuple>

namespace pix {
namespace {

std::set<std::pair<uint32_t, uint32_t>> PairSet(const std::vector<HammingPair>& pairs) {
  std::set<std::pair<uint32_t, uint32_t>> out;
  for (const HammingPair& p : pairs) {
    CHECK(p.a < p.b);
    CHECK(out.emplace(p.a, p.b).second);  // each pair once
  }
  return out;
}

TEST_CASE("dedup windows: JoinSameWindow: strips near in pHash and dHash pair their items") {
  const uint64_t p = 0x8f3c5a6b1e2d4c7bull, d = 0x0f0f33cc5a5a9696ull;
  // Items 7, 3, 9, 4: a caption copy (strip 4 pHash bits, 2 dHash bits away),
  // a look-alike whose dHash disagrees, and an unrelated picture.
  const std::vector<uint32_t> items = {7, 3, 9, 4};
  const std::vector<ImageHashes> strips = {
      {p, d}, {p ^ 0xF, d ^ 0x3}, {p ^ 0xF0, ~d}, {~p, d}};
  const auto pairs = JoinSameWindow(items, strips, 10, 16);
  CHECK(PairSet(pairs) == std::set<std::pair<uint32_t, uint32_t>>{{3, 7}});
  CHECK(pairs[0].distance == 4);
  // At radius 3 the caption copy is too far.
  CHECK(JoinSameWindow(items, strips, 3, 16).empty());
  // Without the dHash check the look-alike joins both.
  CHECK(JoinSameWindow(items, strips, 10, 64).size() == 3);
}

TEST_CASE("dedup windows: JoinWindowsToFrames: a window meets frames of its aspect ratio only") {
  const uint64_t p = 0x8f3c5a6b1e2d4c7bull, d = 0x0f0f33cc5a5a9696ull;
  const std::vector<CropFrame> frames = {
      {{0x1234, 0x5678}, 1.5f},       // 0: the original, 3:2
      {{p ^ 0x1FF, d ^ 0x7}, 1.5f},   // 1: its 90% crop (window 9 bits away)
      {{p ^ 0x1FF, d ^ 0x7}, 1.0f},   // 2: the same hashes, square: another picture
      {{p ^ 0x3, ~d}, 1.5f},          // 3: pHash look-alike, dHash far
      {{p ^ 0x1FF, d ^ 0x7}, 0.0f},   // 4: aspect unknown
      {{p ^ 0x1FF, d ^ 0x7}, 1.51f},  // 5: within the tolerance
  };
  const std::vector<CropWindowHash> windows = {
      {{p, d}, 1.5f, 0},             // a window of item 0
      {{0x1234, 0x5678}, 1.5f, 0},   // item 0's own frame: never a pair with itself
      {{p, d}, 0.0f, 3},             // aspect unknown: no part
  };
  CropJoinOptions o;
  o.radius = 12;
  o.dhash_radius = 16;
  const auto pairs = JoinWindowsToFrames(frames, windows, o);
  CHECK(PairSet(pairs) == std::set<std::pair<uint32_t, uint32_t>>{{0, 1}, {0, 5}});
  o.radius = 8;
  CHECK(JoinWindowsToFrames(frames, windows, o).empty());
}

TEST_CASE("dedup windows: JoinWindowsToFrames finds every pair within the radius and the aspect tolerance") {
  std::mt19937_64 rng(5);
  const std::vector<float> aspects = {1.0f, 1.333f, 1.5f, 1.778f, 0.75f};
  std::vector<CropFrame> frames;
  for (int i = 0; i < 3000; ++i) {
    const float jitter = 1.0f + static_cast<float>(rng() % 41) * 0.001f - 0.02f;
    frames.push_back({{rng() | 1, rng()}, aspects[rng() % aspects.size()] * jitter});
  }
  std::vector<CropWindowHash> windows;
  for (uint32_t i = 0; i < 6000; ++i) {
    CropFrame f = frames[rng() % frames.size()];
    for (int k = static_cast<int>(rng() % 16); k > 0; --k) {
      f.hashes.phash ^= uint64_t{1} << (rng() % 64);
      f.hashes.dhash ^= uint64_t{1} << (rng() % 64);
    }
    windows.push_back({f.hashes, f.aspect * (rng() % 3 ? 1.0f : 0.9f), i % 3000});
  }
  CropJoinOptions o;
  o.threads = 2;
  const auto got = PairSet(JoinWindowsToFrames(frames, windows, o));
  size_t within = 0;
  for (const CropWindowHash& w : windows) {
    for (uint32_t f = 0; f < frames.size(); ++f) {
      if (f == w.item) continue;
      const double ratio = std::abs(std::log(w.aspect / frames[f].aspect));
      const bool near = HammingDistance(w.hashes.phash, frames[f].hashes.phash) <= o.radius &&
                        HammingDistance(w.hashes.dhash, frames[f].hashes.dhash) <= o.dhash_radius;
      const auto pair = std::make_pair(std::min(w.item, f), std::max(w.item, f));
      if (near && ratio <= o.aspect_tolerance) {
        ++within;
        CHECK(got.count(pair) == 1);
      }
      if (ratio > 2 * o.aspect_tolerance && got.count(pair)) {
        // Found through another window, then, of an aspect that matches.
        bool other = false;
        for (const CropWindowHash& v : windows) {
          other |= (v.item == pair.first || v.item == pair.second) &&
                   std::abs(std::log(v.aspect / frames[v.item == pair.first ? pair.second
                                                                           : pair.first]
                                                     .aspect)) <= 2 * o.aspect_tolerance;
        }
        CHECK(other);
      }
    }
  }
  CHECK(within > 1000);
}

TEST_CASE("dedup windows: CropJoinKeyBits: a self-join's bits for the geometric mean") {
  CHECK(CropJoinKeyBits(0, 0) == 1);
  CHECK(CropJoinKeyBits(1000, 1000) == HammingIndex::KeyBitsFor(1000));
  CHECK(CropJoinKeyBits(34'000, 14 * 34'000) == 13);  // more windows: narrower buckets
  CHECK(CropJoinKeyBits(34'000, 34'000) == 11);
  CHECK(CropJoinKeyBits(1'000'000, 1'000'000) == 16);
  // At the crop search's radius the index scans groups below about 93,000
  // frames and windows each, and probes above.
  CHECK(HammingIndex::PlanFor(12, CropJoinKeyBits(80'000, 80'000)).tables == 0);
  CHECK(HammingIndex::PlanFor(12, CropJoinKeyBits(110'000, 110'000)).tables ==
        HammingIndex::kTables);
}

}  // namespace
}  // namespace pix
