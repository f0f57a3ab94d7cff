// Clustering: decides, for a set of images described by their DedupKeys,
// which are kept and which duplicate which. No I/O: pix-dedup's driver
// (dedup.h) feeds it and writes the records.
//
// 1. Exact groups: images with the same sha256 or the same pixel_hash (the
//    same decoded pixels in files that differ only in metadata) are joined
//    (union-find). A digest match whose pHashes differ is not trusted.
// 2. Each group is represented by its best image under the keep policy.
// 3. Near pairs: representatives whose pHashes differ in at most `threshold`
//    bits, found by HammingIndex's self-join (never all pairs), and, when
//    both images have a dHash, whose dHashes differ in at most
//    `dhash_threshold` bits. A second self-join, over dHashes, adds pairs
//    whose dHashes differ in at most `dhash_near` bits and whose pHashes in
//    at most `phash_loose`: a caption, a logo or a change of contrast moves
//    a pHash by up to 20-odd bits on real photographs, a dHash by a few.
// 4. Greedy leaders: representatives are visited best first; one becomes a
//    duplicate of the nearest already-kept representative it is paired with
//    (the better one on a tie), or else is kept. So every duplicate is within
//    the threshold of the image it names, and a chain A~B~C never makes A
//    and C duplicates when they are far apart (no transitive closure).
// 5. Every member of an exact group follows its representative.
//
// The first `indexed` items come from an earlier run's index: they are always
// kept, so new images duplicate them, never the reverse.
// Deterministic: the result depends on the keys and on input order only
// where the policy says so (`first`) or where two images are equal in every
// key. Thread-safety: pure; uses `threads` threads for the self-join.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dedup/dedup_keys.h"
#include "hash/hamming_index.h"

namespace pix {

enum class KeepPolicy {
  kLargest,      // most pixels, then best quality.score, then most bytes
  kBestQuality,  // best quality.score, then most pixels, then most bytes
  kFirst,        // earliest in the input
};
Result<KeepPolicy> ParseKeepPolicy(std::string_view name);

enum class DupKind : uint8_t {
  kNone,    // kept
  kSha256,  // the same bytes
  kPixels,  // the same decoded pixels
  kPhash,   // a near duplicate
};
std::string_view DupKindName(DupKind kind);

struct ClusterOptions {
  KeepPolicy keep = KeepPolicy::kLargest;
  bool near = true;          // false: exact duplicates only
  int threshold = 10;        // pHash bits, 0..64
  int dhash_threshold = 64;  // dHash bits; 64 never rejects
  // The dHash pass: -1 turns it off.
  int dhash_near = -1;  // dHash bits
  int phash_loose = 0;  // pHash bits, for pairs found by the dHash pass
  int threads = 1;
};

struct ClusterResult {
  std::vector<uint32_t> leader;   // per item: the kept item it duplicates, or itself
  std::vector<uint8_t> distance;  // pHash bits from its leader (0 when unknown)
  std::vector<DupKind> kind;
  uint64_t near_pairs = 0;        // pHash pairs within the threshold
  uint64_t dhash_rejected = 0;    // of those, refused by the dHash check
  uint64_t dhash_pairs = 0;       // pairs added by the dHash pass
  uint64_t crop_pairs = 0;        // pairs added from `extra_pairs` (the crop pass)
  uint64_t digest_conflicts = 0;  // equal digests with different pHashes
};

// True when item `a` is kept in preference to item `b` (positions in the
// input; the first `indexed` are from the index).
bool KeepBefore(const DedupKeys& a, uint32_t order_a, const DedupKeys& b, uint32_t order_b,
                uint32_t indexed, KeepPolicy policy);

// `extra_pairs` are pairs of items (positions in `items`) found by other
// means, such as the crop pass of pix-dedup (crop_hashes.h); they join the
// near pairs of step 3 unless that step found them already.
ClusterResult ClusterItems(const std::vector<DedupKeys>& items, uint32_t indexed,
                           const ClusterOptions& options,
                           std::span<const HammingPair> extra_pairs = {});

}  // namespace pix
