#include "dedup/clustering.h"

#include <algorithm>
#include <bit>
#include <numeric>
#include <tuple>

#include "hash/hamming_index.h"

namespace pix {
namespace {

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<uint32_t> parent_;
};

// Joins items whose digest (selected by `has` / `key`) is equal, unless both
// have pHashes that differ: then the digests met by accident.
template <typename Has, typename Key>
void JoinEqual(const std::vector<DedupKeys>& items, const Has& has, const Key& key, UnionFind* uf,
               uint64_t* conflicts) {
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  keyed.reserve(static_cast<size_t>(std::count_if(items.begin(), items.end(), has)));
  for (uint32_t i = 0; i < items.size(); ++i) {
    if (has(items[i])) keyed.emplace_back(key(items[i]), i);
  }
  std::sort(keyed.begin(), keyed.end());
  for (size_t k = 1; k < keyed.size(); ++k) {
    if (keyed[k].first != keyed[k - 1].first) continue;
    const DedupKeys& a = items[keyed[k - 1].second];
    const DedupKeys& b = items[keyed[k].second];
    if (a.has_phash && b.has_phash && a.phash != b.phash) {
      ++*conflicts;
      continue;
    }
    uf->Union(keyed[k - 1].second, keyed[k].second);
  }
}

DupKind ExactKind(const DedupKeys& a, const DedupKeys& leader) {
  if (a.has_sha256 && leader.has_sha256 && a.sha256 == leader.sha256) return DupKind::kSha256;
  return DupKind::kPixels;
}

uint8_t PhashDistance(const DedupKeys& a, const DedupKeys& b) {
  return (a.has_phash && b.has_phash) ? static_cast<uint8_t>(std::popcount(a.phash ^ b.phash)) : 0;
}

}  // namespace

Result<KeepPolicy> ParseKeepPolicy(std::string_view name) {
  if (name == "largest") return KeepPolicy::kLargest;
  if (name == "best-quality") return KeepPolicy::kBestQuality;
  if (name == "first") return KeepPolicy::kFirst;
  return Status::InvalidArgument("unknown keep policy '" + std::string(name) +
                                 "' (largest, best-quality, first)");
}

std::string_view DupKindName(DupKind kind) {
  switch (kind) {
    case DupKind::kSha256:
      return "sha256";
    case DupKind::kPixels:
      return "pixels";
    case DupKind::kPhash:
      return "phash";
    case DupKind::kNone:
      break;
  }
  return "none";
}

bool KeepBefore(const DedupKeys& x, uint32_t order_a, const DedupKeys& y, uint32_t order_b,
                uint32_t indexed, KeepPolicy policy) {
  if ((order_a < indexed) != (order_b < indexed)) return order_a < indexed;
  // Larger is better for every key but the id digest, which only breaks ties
  // without looking at input order.
  switch (policy) {
    case KeepPolicy::kLargest:
      if (std::tie(x.pixels, x.quality, x.bytes) != std::tie(y.pixels, y.quality, y.bytes)) {
        return std::tie(x.pixels, x.quality, x.bytes) > std::tie(y.pixels, y.quality, y.bytes);
      }
      break;
    case KeepPolicy::kBestQuality:
      if (std::tie(x.quality, x.pixels, x.bytes) != std::tie(y.quality, y.pixels, y.bytes)) {
        return std::tie(x.quality, x.pixels, x.bytes) > std::tie(y.quality, y.pixels, y.bytes);
      }
      break;
    case KeepPolicy::kFirst:
      return order_a < order_b;
  }
  if (x.id_digest != y.id_digest) return x.id_digest < y.id_digest;
  return order_a < order_b;
}

ClusterResult ClusterItems(const std::vector<DedupKeys>& items, uint32_t indexed,
                           const ClusterOptions& options,
                           std::span<const HammingPair> extra_pairs) {
  const uint32_t n = static_cast<uint32_t>(items.size());
  ClusterResult result;
  result.leader.resize(n);
  result.distance.assign(n, 0);
  result.kind.assign(n, DupKind::kNone);
  const auto better = [&](uint32_t a, uint32_t b) {
    return KeepBefore(items[a], a, items[b], b, indexed, options.keep);
  };

  // 1-2. Exact groups and their representatives.
  UnionFind uf(n);
  JoinEqual(
      items, [](const DedupKeys& k) { return k.has_sha256; },
      [](const DedupKeys& k) { return k.sha256; }, &uf, &result.digest_conflicts);
  JoinEqual(
      items, [](const DedupKeys& k) { return k.has_pixel_hash; },
      [](const DedupKeys& k) { return k.pixel_hash; }, &uf, &result.digest_conflicts);
  std::vector<uint32_t> rep_of_root(n, UINT32_MAX);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t& rep = rep_of_root[uf.Find(i)];
    if (rep == UINT32_MAX || better(i, rep)) rep = i;
  }
  std::vector<uint32_t> reps;
  for (uint32_t i = 0; i < n; ++i) {
    if (rep_of_root[i] != UINT32_MAX) reps.push_back(rep_of_root[i]);
  }
  std::sort(reps.begin(), reps.end(), better);

  // 3. Near pairs between representatives, as adjacency lists (CSR).
  std::vector<uint32_t> rep_leader(n, UINT32_MAX);  // by item: leader of a representative
  std::vector<uint32_t> with_phash;                 // representatives that have a pHash
  for (uint32_t r : reps) {
    if (items[r].has_phash) with_phash.push_back(r);
  }
  std::vector<uint32_t> adj_begin, adj;
  if (options.near && with_phash.size() > 1) {
    std::vector<uint64_t> hashes(with_phash.size());
    for (size_t k = 0; k < with_phash.size(); ++k) hashes[k] = items[with_phash[k]].phash;
    std::vector<HammingPair> pairs;
    {
      HammingIndex index(hashes);
      hashes = {};  // the index holds its own copy
      pairs = index.SelfJoin(options.threshold, options.threads);
    }
    std::vector<uint32_t> degree(with_phash.size() + 1, 0);
    size_t kept_pairs = 0;
    for (const HammingPair& p : pairs) {
      if (with_phash[p.a] < indexed && with_phash[p.b] < indexed) continue;
      const DedupKeys& a = items[with_phash[p.a]];
      const DedupKeys& b = items[with_phash[p.b]];
      ++result.near_pairs;
      if (a.has_dhash && b.has_dhash &&
          std::popcount(a.dhash ^ b.dhash) > options.dhash_threshold) {
        ++result.dhash_rejected;
        continue;
      }
      ++degree[p.a + 1];
      ++degree[p.b + 1];
      pairs[kept_pairs++] = p;
    }
    pairs.resize(kept_pairs);
    if (options.dhash_near >= 0) {
      // The dHash pass, over the representatives that have both hashes;
      // pairs the pHash pass kept are not added twice.
      std::vector<uint32_t> with_both;  // positions in with_phash
      std::vector<uint64_t> dhashes;
      for (uint32_t k = 0; k < with_phash.size(); ++k) {
        if (!items[with_phash[k]].has_dhash) continue;
        with_both.push_back(k);
        dhashes.push_back(items[with_phash[k]].dhash);
      }
      std::vector<HammingPair> by_dhash;
      if (with_both.size() > 1) {
        HammingIndex dindex(dhashes);
        dhashes = {};
        by_dhash = dindex.SelfJoin(options.dhash_near, options.threads);
      }
      for (const HammingPair& dp : by_dhash) {
        const uint32_t pa = with_both[dp.a], pb = with_both[dp.b];
        if (with_phash[pa] < indexed && with_phash[pb] < indexed) continue;
        const DedupKeys& a = items[with_phash[pa]];
        const DedupKeys& b = items[with_phash[pb]];
        const int pd = std::popcount(a.phash ^ b.phash);
        if (pd > options.phash_loose) continue;
        if (pd <= options.threshold && static_cast<int>(dp.distance) <= options.dhash_threshold)
          continue;
        ++result.dhash_pairs;
        ++degree[pa + 1];
        ++degree[pb + 1];
        pairs.push_back({std::min(pa, pb), std::max(pa, pb), static_cast<uint32_t>(pd)});
      }
    }
    if (!extra_pairs.empty()) {
      // Between the representatives of the two items' exact groups, unless
      // a pass above paired them already.
      std::vector<uint32_t> position(n, UINT32_MAX);
      for (uint32_t k = 0; k < with_phash.size(); ++k) position[with_phash[k]] = k;
      std::vector<std::pair<uint32_t, uint32_t>> seen;
      seen.reserve(pairs.size());
      for (const HammingPair& p : pairs) seen.emplace_back(p.a, p.b);
      std::sort(seen.begin(), seen.end());
      std::vector<HammingPair> added;
      for (const HammingPair& e : extra_pairs) {
        const uint32_t ra = rep_of_root[uf.Find(e.a)], rb = rep_of_root[uf.Find(e.b)];
        if (ra == rb || position[ra] == UINT32_MAX || position[rb] == UINT32_MAX) continue;
        if (ra < indexed && rb < indexed) continue;
        const uint32_t pa = std::min(position[ra], position[rb]);
        const uint32_t pb = std::max(position[ra], position[rb]);
        if (std::binary_search(seen.begin(), seen.end(), std::make_pair(pa, pb))) continue;
        added.push_back({pa, pb, PhashDistance(items[ra], items[rb])});
      }
      std::sort(added.begin(), added.end(), [](const HammingPair& x, const HammingPair& y) {
        return std::tie(x.a, x.b) < std::tie(y.a, y.b);
      });
      added.erase(std::unique(added.begin(), added.end(),
                              [](const HammingPair& x, const HammingPair& y) {
                                return x.a == y.a && x.b == y.b;
                              }),
                  added.end());
      for (const HammingPair& p : added) {
        ++result.crop_pairs;
        ++degree[p.a + 1];
        ++degree[p.b + 1];
        pairs.push_back(p);
      }
    }
    adj_begin.assign(degree.size(), 0);
    std::partial_sum(degree.begin(), degree.end(), adj_begin.begin());
    adj.resize(adj_begin.back());
    std::vector<uint32_t> cursor(adj_begin.begin(), adj_begin.end() - 1);
    for (const HammingPair& p : pairs) {
      adj[cursor[p.a]++] = p.b;
      adj[cursor[p.b]++] = p.a;
    }
  }

  // Among representatives equal in what the policy ranks first (pixels and
  // quality), the one paired with the most others is visited first: the copy
  // in the middle of a group (usually the original) then leads it, instead of
  // two edits of it that are not paired with each other (a picture turned 2
  // and 5 degrees, re-encoded into more bytes) each keeping half the group.
  if (options.keep != KeepPolicy::kFirst && !adj.empty()) {
    std::vector<uint32_t> degree_of(n, 0);
    for (uint32_t k = 0; k < with_phash.size(); ++k) {
      degree_of[with_phash[k]] = adj_begin[k + 1] - adj_begin[k];
    }
    std::stable_sort(reps.begin(), reps.end(), [&](uint32_t a, uint32_t b) {
      const DedupKeys& x = items[a];
      const DedupKeys& y = items[b];
      if ((a < indexed) == (b < indexed) && degree_of[a] != degree_of[b] &&
          std::tie(x.pixels, x.quality) == std::tie(y.pixels, y.quality)) {
        return degree_of[a] > degree_of[b];
      }
      return better(a, b);
    });
  }

  // 4. Greedy leaders, best first.
  std::vector<uint32_t> position(n, UINT32_MAX);  // item -> index in with_phash
  for (uint32_t k = 0; k < with_phash.size(); ++k) position[with_phash[k]] = k;
  std::vector<uint32_t> rank(n, UINT32_MAX);  // item -> visiting order
  for (uint32_t k = 0; k < reps.size(); ++k) rank[reps[k]] = k;
  for (uint32_t r : reps) {
    rep_leader[r] = r;
    if (r < indexed || adj.empty() || position[r] == UINT32_MAX) continue;
    const uint32_t p = position[r];
    uint32_t best = UINT32_MAX, best_distance = 65;
    for (uint32_t e = adj_begin[p]; e < adj_begin[p + 1]; ++e) {
      const uint32_t other = with_phash[adj[e]];
      if (rank[other] > rank[r] || rep_leader[other] != other) continue;  // not kept (yet)
      const uint32_t d = PhashDistance(items[r], items[other]);
      if (d < best_distance || (d == best_distance && rank[other] < rank[best])) {
        best = other;
        best_distance = d;
      }
    }
    if (best != UINT32_MAX) rep_leader[r] = best;
  }

  // 5. Members follow their representative.
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t rep = rep_of_root[uf.Find(i)];
    const uint32_t leader = rep_leader[rep];
    result.leader[i] = leader;
    if (leader == i) continue;
    const DedupKeys& keys = items[i];
    const DedupKeys& lk = items[leader];
    result.distance[i] = PhashDistance(keys, lk);
    result.kind[i] = (leader == rep) ? ExactKind(keys, lk) : DupKind::kPhash;
  }
  return result;
}

}  // namespace pix
