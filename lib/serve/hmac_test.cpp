#include "serve/hmac.h"

#include <doctest/doctest.h>

#include <string>

namespace pix {

// RFC 4231 section 4 test cases for HMAC-SHA-256.
TEST_CASE("HmacSha256 matches RFC 4231") {
  SUBCASE("test case 1: 20-byte key") {
    CHECK(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  }
  SUBCASE("test case 2: key shorter than the output") {
    CHECK(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }
  SUBCASE("test case 3: 50 bytes of 0xdd") {
    CHECK(HexEncode(HmacSha256(std::string(20, '\xaa'), std::string(50, '\xdd'))) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  }
  SUBCASE("test case 6: key longer than the block size") {
    CHECK(HexEncode(HmacSha256(std::string(131, '\xaa'),
                               "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }
}

TEST_CASE("HmacSha256Key gives the same MACs as HmacSha256") {
  for (const std::string& key : {std::string(20, '\x0b'), std::string("Jefe"), std::string(),
                                std::string(64, 'k'), std::string(131, '\xaa')}) {
    CAPTURE(key.size());
    const HmacSha256Key precomputed(key);
    for (const std::string& data : {std::string("Hi There"), std::string(), std::string(1000, 'd')}) {
      CHECK(precomputed.Mac(data) == HmacSha256(key, data));
    }
  }
  CHECK(HexEncode(HmacSha256Key(std::string(131, '\xaa'))
                      .Mac("Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("HexEncode and ConstantTimeEqual") {
  CHECK(HexEncode(std::string("\x00\x7f\xff", 3)) == "007fff");
  CHECK(ConstantTimeEqual("abc", "abc"));
  CHECK_FALSE(ConstantTimeEqual("abc", "abd"));
  CHECK_FALSE(ConstantTimeEqual("abc", "ab"));
  CHECK(ConstantTimeEqual("", ""));
}

}  // namespace pix
