#include "dedup/clustering.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

namespace pix {
namespace {

DedupKeys Image(uint64_t phash, uint32_t pixels, float quality = 0.5f, uint64_t sha = 0,
                uint64_t pixel_hash = 0) {
  DedupKeys keys;
  keys.has_phash = true;
  keys.phash = phash;
  keys.pixels = pixels;
  keys.quality = quality;
  keys.has_sha256 = sha != 0;
  keys.sha256 = sha;
  keys.has_pixel_hash = pixel_hash != 0;
  keys.pixel_hash = pixel_hash;
  keys.id_digest = phash * 31 + pixels;
  return keys;
}

TEST_CASE("ClusterItems: the dHash pass pairs close dHashes within the loose pHash bound") {
  const uint64_t base = 0x8f3c5a6b1e2d4c7bull;
  const uint64_t dbase = 0x0f0f33cc5a5a9696ull;
  auto with_dhash = [](DedupKeys k, uint64_t dhash) {
    k.has_dhash = true;
    k.dhash = dhash;
    return k;
  };
  std::vector<DedupKeys> items = {
      with_dhash(Image(base, 400), dbase),
      with_dhash(Image(base ^ 0xFFFF, 100), dbase ^ 0x7),        // pHash 16 bits, dHash 3: a logo
      with_dhash(Image(base ^ 0xFFFFF00000, 100), dbase ^ 0x3),  // pHash 20 bits: too far
      with_dhash(Image(base ^ 0x3FF, 100), dbase ^ 0xFFFFFF),    // pHash 10, dHash 24: refused
      with_dhash(Image(~base, 100), dbase),                      // same dHash, unrelated pHash
  };
  ClusterOptions options;
  options.threshold = 10;
  options.dhash_threshold = 20;
  auto r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 1, 2, 3, 4});
  CHECK(r.dhash_pairs == 0);

  options.dhash_near = 5;
  options.phash_loose = 18;
  r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 2, 3, 4});
  CHECK(r.distance[1] == 16);
  CHECK(r.kind[1] == DupKind::kPhash);
  CHECK(r.dhash_pairs == 1);
}

TEST_CASE("ClusterItems: extra pairs (the crop pass) join, and the best-connected copy leads") {
  // Item 0 is the original; 1 and 2 are two rotations of it, 30 pHash bits
  // from each other and 16-20 from the original, equal to it in pixels but
  // larger in bytes; 3 is a resize, 2 bits from the original.
  const uint64_t base = 0x8f3c5a6b1e2d4c7bull;
  std::vector<DedupKeys> items = {
      Image(base, 400),
      Image(base ^ 0xFFFF, 400),
      Image(base ^ 0x3FFFC0000000ull, 400),
      Image(base ^ 0x3, 100),
  };
  items[1].bytes = items[2].bytes = 2000;
  items[0].bytes = 1000;
  ClusterOptions options;
  options.threshold = 10;
  auto r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 1, 2, 0});
  CHECK(r.crop_pairs == 0);

  // The crop pass paired the original with each rotation.
  const std::vector<HammingPair> extra = {{0, 1, 5}, {0, 2, 6}, {1, 0, 5}};
  r = ClusterItems(items, 0, options, extra);
  CHECK(r.crop_pairs == 2);
  // The original is paired with three others, each rotation with one: it is
  // visited first although the rotations have more bytes, so the group stays
  // one cluster.
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 0, 0});
  CHECK(r.distance[1] == 16);
  CHECK(r.kind[2] == DupKind::kPhash);

  // keep first: input order, degrees play no part.
  options.keep = KeepPolicy::kFirst;
  std::vector<DedupKeys> reordered = {items[1], items[0], items[2], items[3]};
  const std::vector<HammingPair> extra2 = {{1, 0, 5}, {1, 2, 6}};
  r = ClusterItems(reordered, 0, options, extra2);
  // The first rotation leads; the original joins it; the second rotation and
  // the resize were paired only with the original, which is not kept.
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 2, 3});
}

TEST_CASE("ClusterItems: exact, pixel and near duplicates with each keep policy") {
  const uint64_t base = 0x8f3c5a6b1e2d4c7bull;
  std::vector<DedupKeys> items = {
      Image(base, 100, 0.9f, 1, 10),        // 0: small, best quality
      Image(base, 100, 0.9f, 1, 10),        // 1: same bytes as 0
      Image(base, 100, 0.8f, 2, 10),        // 2: same pixels as 0, other metadata
      Image(base ^ 0x7, 400, 0.5f, 3, 11),  // 3: near (3 bits), largest
      Image(~base, 400, 0.5f, 4, 12),       // 4: unrelated
  };
  ClusterOptions options;
  options.threshold = 10;

  options.keep = KeepPolicy::kLargest;
  auto r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{3, 3, 3, 3, 4});
  CHECK(r.kind[0] == DupKind::kPhash);
  CHECK(r.distance[0] == 3);
  CHECK(r.kind[3] == DupKind::kNone);

  options.keep = KeepPolicy::kBestQuality;
  r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 0, 0, 4});
  CHECK(r.kind[1] == DupKind::kSha256);
  CHECK(r.kind[2] == DupKind::kPixels);
  CHECK(r.kind[3] == DupKind::kPhash);
  CHECK(r.distance[1] == 0);
  CHECK(r.distance[3] == 3);

  options.keep = KeepPolicy::kFirst;
  r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 0, 0, 4});

  options.near = false;
  r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 0, 3, 4});
}

TEST_CASE("ClusterItems: no transitive chains; each duplicate is within the threshold") {
  // A - B - C in a line, 6 bits apart each: A and C are 12 apart.
  const uint64_t a = 0;
  const uint64_t b = 0x3F;
  const uint64_t c = 0xFFF;
  std::vector<DedupKeys> items = {Image(a, 300), Image(b, 200), Image(c, 100)};
  ClusterOptions options;
  options.threshold = 10;
  auto r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 0, 2});  // C is not a copy of A
  // Largest is C now: C keeps, B joins C, A stays (12 bits from C).
  items = {Image(a, 100), Image(b, 200), Image(c, 300)};
  r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 2, 2});
}

TEST_CASE("ClusterItems: the dHash check refuses pHash matches") {
  std::vector<DedupKeys> items = {Image(0, 200), Image(1, 100)};
  items[0].has_dhash = items[1].has_dhash = true;
  items[0].dhash = 0;
  items[1].dhash = 0xFFFFF;  // 20 bits
  ClusterOptions options;
  options.dhash_threshold = 12;
  auto r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 1});
  CHECK(r.near_pairs == 1);
  CHECK(r.dhash_rejected == 1);
  options.dhash_threshold = 64;
  r = ClusterItems(items, 0, options);
  CHECK(r.leader == std::vector<uint32_t>{0, 0});
}

TEST_CASE("ClusterItems: index items always win and never merge with each other") {
  std::vector<DedupKeys> items = {Image(0, 10), Image(1, 10), Image(3, 5000)};
  ClusterOptions options;
  auto r = ClusterItems(items, 2, options);  // items 0 and 1 are indexed
  CHECK(r.leader[0] == 0);
  CHECK(r.leader[1] == 1);
  CHECK(r.leader[2] == 1);  // 1 bit from item 1, 2 bits from item 0
  CHECK(r.near_pairs == 2);
}

TEST_CASE("ClusterItems: equal digests with different pHashes are not exact duplicates") {
  std::vector<DedupKeys> items = {Image(0, 10, 0.5f, 7), Image(~0ull, 10, 0.5f, 7)};
  auto r = ClusterItems(items, 0, ClusterOptions{});
  CHECK(r.leader == std::vector<uint32_t>{0, 1});
  CHECK(r.digest_conflicts == 1);
}

TEST_CASE("ClusterItems: the kept image does not depend on input order") {
  std::mt19937_64 rng(5);
  std::vector<DedupKeys> items;
  for (int g = 0; g < 40; ++g) {
    const uint64_t centre = rng();
    for (int c = 0; c < 5; ++c) {
      // Equal sizes and qualities within a group: only the id breaks ties.
      DedupKeys item = Image(centre ^ (uint64_t{1} << c), 1000, 0.5f);
      item.id_digest = rng();
      items.push_back(item);
    }
  }
  for (KeepPolicy policy : {KeepPolicy::kLargest, KeepPolicy::kBestQuality}) {
    ClusterOptions options;
    options.keep = policy;
    const auto first = ClusterItems(items, 0, options);
    auto shuffled = items;
    std::vector<uint32_t> perm(items.size());
    for (uint32_t i = 0; i < perm.size(); ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);
    for (uint32_t i = 0; i < perm.size(); ++i) shuffled[i] = items[perm[i]];
    const auto second = ClusterItems(shuffled, 0, options);
    for (uint32_t i = 0; i < perm.size(); ++i) {
      CHECK(perm[second.leader[i]] == first.leader[perm[i]]);
    }
  }
}

TEST_CASE("ParseKeepPolicy") {
  CHECK(*ParseKeepPolicy("largest") == KeepPolicy::kLargest);
  CHECK(*ParseKeepPolicy("best-quality") == KeepPolicy::kBestQuality);
  CHECK(*ParseKeepPolicy("first") == KeepPolicy::kFirst);
  CHECK_FALSE(ParseKeepPolicy("biggest").ok());
}

}  // namespace
}  // namespace pix
