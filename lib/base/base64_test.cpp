#include "base/base64.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("Base64Encode gives RFC 4648's test vectors, binary bytes and no line breaks") {
  // RFC 4648 section 10.
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("foob") == "Zm9vYg==");
  CHECK(Base64Encode("fooba") == "Zm9vYmE=");
  CHECK(Base64Encode("foobar") == "Zm9vYmFy");
  // The top of the alphabet and a NUL inside.
  CHECK(Base64Encode(std::string_view("\xfb\xff\x00\xbf", 4)) == "+/8Avw==");
  const std::string long_text = Base64Encode(std::string(3000, 'x'));
  CHECK(long_text.size() == 4000);
  CHECK(long_text.find('\n') == std::string::npos);
}

}  // namespace
}  // namespace pix
