#include "hash/text_digest.h"

#include <xxhash.h>

namespace pix {

uint64_t TextDigest(std::string_view text) { return XXH3_64bits(text.data(), text.size()); }

double DigestFraction(uint64_t digest) {
  return static_cast<double>(digest >> 11) * 0x1.0p-53;
}

}  // namespace pix
