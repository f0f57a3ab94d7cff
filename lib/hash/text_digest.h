// Stable 64-bit digests of short texts (XXH3), for keys that must be the same
// on every machine and in every run: pix-dedup's sha256/pixel_hash/record-id
// keys and tie-breaks, pix-pack's split assignment, pix-run's shards.
//
// Not cryptographic: two different texts meet on one digest with odds of about
// n^2/2^65. Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace pix {

// XXH3-64 of `text` (seed 0). Stable across platforms and versions.
uint64_t TextDigest(std::string_view text);

// Maps a digest to [0, 1) uniformly (its top 53 bits), for deterministic
// fractions such as "this image goes to the first 80%: train".
double DigestFraction(uint64_t digest);

}  // namespace pix
