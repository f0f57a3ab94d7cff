// DedupKeys: what pix-dedup needs from one record, read and checked once so
// that the rest of the run works on small fixed-size values.
//
// The record contract (pix(7)): `sha256` (64 hex digits, from pix-fetch),
// `pixel_hash` (a hash of the decoded pixels, from pix-validate, any
// non-empty string), `phash` and `dhash` (16 hex digits each), `width`,
// `height`, `bytes`, and `quality.score` in 0..1. Hex is accepted in either
// case. sha256 and pixel_hash are kept as 64-bit digests of their text
// (XXH3): two different files meet on one digest with odds of about n^2/2^65
// (1 in 36 million at a million records), and a meeting is checked against
// the pHashes, which identical bytes or pixels share.
//
// Failure modes: a hash field of the wrong type or spelling is kCorruption
// with a message naming the field and value; missing fields are not errors.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "hash/text_digest.h"  // TextDigest: sha256, pixel_hash and id keys
#include "jsonl/record.h"

namespace pix {

struct DedupKeys {
  uint64_t sha256 = 0;      // digest of the lower-cased hex text
  uint64_t pixel_hash = 0;  // digest of the lower-cased text
  uint64_t phash = 0;
  uint64_t dhash = 0;
  uint64_t id_digest = 0;  // digest of the record id, for order-free tie-breaks
  // 32 bits each keep a million keys in 56 MB; no decodable image has more
  // than 4 gigapixels, and bytes only break ties.
  uint32_t pixels = 0;  // width * height (saturating), 0 when unknown
  uint32_t bytes = 0;   // file size (saturating), 0 when unknown
  float quality = -1;   // quality.score, -1 when unknown
  bool has_sha256 = false;
  bool has_pixel_hash = false;
  bool has_phash = false;
  bool has_dhash = false;

  bool has_exact_key() const { return has_sha256 || has_pixel_hash; }
};
static_assert(sizeof(DedupKeys) == 56, "near mode holds one per image: keep it small");

// Parses exactly 16 hex digits. nullopt for anything else.
std::optional<uint64_t> ParseHash64(std::string_view hex);
// 16 lower-case hex digits.
std::string FormatHash64(uint64_t hash);

// The record's id: the string (or the raw JSON of another value) of the first
// of `id_fields` it has; empty when it has none of them.
std::string RecordId(const Record& record, const std::vector<std::string>& id_fields);

// Which fields hold the perceptual hashes: pix-validate writes phash/dhash
// (imagehash-identical), or phash_fast/dhash_fast with --hash fast (from a
// DCT-scaled decode; close to, but not comparable with, the exact ones).
struct HashFields {
  std::string phash = "phash";
  std::string dhash = "dhash";
  static HashFields Fast() { return {"phash_fast", "dhash_fast"}; }
};

// Reads the keys of `record`. Fails (kCorruption) on a malformed hash.
Result<DedupKeys> ReadDedupKeys(const Record& record, std::string_view id,
                                const HashFields& fields = {});

// `s` with A-Z lowered (hex digests are compared without regard to case).
std::string LowerAscii(std::string s);

}  // namespace pix
