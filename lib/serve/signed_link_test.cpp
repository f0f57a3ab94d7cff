#include "serve/signed_link.h"

#include <doctest/doctest.h>

#include <string>

#include "serve/hmac.h"

namespace pix {

namespace {
const LinkSigner kSigner("0123456789abcdef0123456789abcdef");
}

TEST_CASE("LinkSigner: the signature is HMAC-SHA256 over method, path and expiry") {
  CHECK(kSigner.Signature("cats.tar", 1700000000) ==
        HexEncode(HmacSha256("0123456789abcdef0123456789abcdef", "GET\n/d/cats.tar\n1700000000")));
  CHECK(kSigner.Signature("cats.tar", 1700000000) != kSigner.Signature("cats.tar", 1700000001));
  CHECK(kSigner.Signature("cats.tar", 1700000000) != kSigner.Signature("dogs.tar", 1700000000));
  CHECK(LinkSigner("another-secret-of-32-bytes-xxxxx").Signature("cats.tar", 1700000000) !=
        kSigner.Signature("cats.tar", 1700000000));
}

TEST_CASE("LinkSigner: a link it makes checks as valid until it expires") {
  auto link = kSigner.Link("sets/cats v1.tar.zst", 2000);
  REQUIRE(link.ok());
  CHECK(link->rfind("/d/sets/cats%20v1.tar.zst?expires=2000&sig=", 0) == 0);
  LinkCheck ok = kSigner.Check(*link, 1999);
  CHECK(ok.verdict == LinkVerdict::kValid);
  CHECK(ok.path == "sets/cats v1.tar.zst");
  CHECK(ok.expires == 2000);
  CHECK(kSigner.Check(*link, 2000).verdict == LinkVerdict::kValid);
  CHECK(kSigner.Check(*link, 2001).verdict == LinkVerdict::kExpired);
  // Upper-case hex is the same signature.
  std::string upper = *link;
  for (size_t i = upper.find("sig=") + 4; i < upper.size(); ++i) {
    if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 32);
  }
  CHECK(kSigner.Check(upper, 1000).verdict == LinkVerdict::kValid);
}

TEST_CASE("LinkSigner: tampered, missing and malformed links are forbidden") {
  const std::string sig = kSigner.Signature("a.tar", 2000);
  auto verdict = [](const std::string& target) { return kSigner.Check(target, 1000).verdict; };
  CHECK(verdict("/d/a.tar?expires=2000&sig=" + sig) == LinkVerdict::kValid);
  CHECK(verdict("/d/b.tar?expires=2000&sig=" + sig) == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?expires=2001&sig=" + sig) == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?expires=2000") == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?sig=" + sig) == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar") == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?expires=2000&sig=" + sig.substr(1)) == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?expires=+2000&sig=" + sig) == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?expires=2000&sig=" + sig + "&sig=" + sig) == LinkVerdict::kForbidden);
  CHECK(verdict("/d/a.tar?expires=2000&expires=9999&sig=" + sig) == LinkVerdict::kForbidden);
  // Extra parameters are ignored; the same path spelled with escapes is the same file.
  CHECK(verdict("/d/a.tar?x=1&expires=2000&sig=" + sig) == LinkVerdict::kValid);
  CHECK(verdict("/d/%61.tar?expires=2000&sig=" + sig) == LinkVerdict::kValid);
}

TEST_CASE("DecodeLinkPath refuses every way out of the root") {
  CHECK(*DecodeLinkPath("a/b%20c.tar") == "a/b c.tar");
  CHECK(*DecodeLinkPath("a+b") == "a+b");
  for (const char* bad : {"", "../etc/passwd", "a/../../b", "a/./b", "./a", "a//b", "a/", "/a",
                          "a%2Fb", "a%2fb", "%2e%2e/x", "%2E%2E%2Fx", "a%00b", "a%5Cb", "a\\b",
                          "a%0ab", "a%", "a%4", "a%zz", ".secret", "a/.git/config"}) {
    CAPTURE(bad);
    CHECK_FALSE(DecodeLinkPath(bad).ok());
    CHECK(kSigner.Check(std::string("/d/") + bad + "?expires=1&sig=x", 0).verdict ==
          LinkVerdict::kBadPath);
  }
  CHECK_FALSE(DecodeLinkPath(std::string("a\0b", 3)).ok());
  CHECK_FALSE(DecodeLinkPath(std::string(256, 'x')).ok());
  CHECK(kSigner.Check("/x/a.tar", 0).verdict == LinkVerdict::kBadPath);
  CHECK_FALSE(kSigner.Link("../a", 1).ok());
}

TEST_CASE("EncodeLinkPath keeps slashes and escapes the rest") {
  CHECK(EncodeLinkPath("a b/c%d/e~f.tar") == "a%20b/c%25d/e~f.tar");
  CHECK(*DecodeLinkPath(EncodeLinkPath("a b/c%d/e~f.tar")) == "a b/c%d/e~f.tar");
}

TEST_CASE("ParseDuration") {
  CHECK(*ParseDuration("3600") == 3600);
  CHECK(*ParseDuration("90s") == 90);
  CHECK(*ParseDuration("15m") == 900);
  CHECK(*ParseDuration("24h") == 86400);
  CHECK(*ParseDuration("7d") == 604800);
  CHECK(*ParseDuration("2w") == 1209600);
  for (const char* bad : {"", "h", "0", "-5m", "5y", "1.5h", "99999999999d"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseDuration(bad).ok());
  }
}

TEST_CASE("CheckSecret refuses short secrets") {
  CHECK_FALSE(CheckSecret("short").ok());
  CHECK(CheckSecret("0123456789abcdef").ok());
}

}  // namespace pix
