#include "hash/text_digest.h"

#include <doctest/doctest.h>

#include <string>

namespace pix {

TEST_CASE("TextDigest is XXH3-64 with seed 0, so it is the same everywhere") {
  // Known answers of XXH3_64bits (xxHash's own test values for these inputs).
  CHECK(TextDigest("") == 0x2D06800538D394C2ULL);
  CHECK(TextDigest("a") != TextDigest("b"));
  CHECK(TextDigest("cat") == TextDigest(std::string_view("cat")));
}

TEST_CASE("DigestFraction covers [0, 1) and splits evenly") {
  CHECK(DigestFraction(0) == 0.0);
  CHECK(DigestFraction(~0ULL) < 1.0);
  CHECK(DigestFraction(~0ULL) > 0.9999999);
  int below = 0;
  for (int i = 0; i < 10000; ++i) below += DigestFraction(TextDigest(std::to_string(i))) < 0.8;
  CHECK(below > 7800);
  CHECK(below < 8200);
}

}  // namespace pix
