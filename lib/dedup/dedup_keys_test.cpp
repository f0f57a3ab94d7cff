#include "dedup/dedup_keys.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

Record Parse(std::string_view line) {
  RecordParser parser;
  auto r = Record::Parse(line, parser);
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("ParseHash64 and FormatHash64") {
  CHECK(*ParseHash64("00ff00ff00ff00ff") == 0x00ff00ff00ff00ffull);
  CHECK(*ParseHash64("ABCDEFabcdef0123") == 0xabcdefabcdef0123ull);
  CHECK_FALSE(ParseHash64("00ff00ff00ff00f").has_value());
  CHECK_FALSE(ParseHash64("00ff00ff00ff00fg").has_value());
  CHECK(FormatHash64(0xabcull) == "0000000000000abc");
}

TEST_CASE("ReadDedupKeys reads the contract fields") {
  const Record r =
      Parse(R"({"sha256":"AB00000000000000000000000000000000000000000000000000000000000000",)"
            R"("pixel_hash":"p1","phash":"8000000000000001","dhash":"00000000000000ff",)"
            R"("width":640,"height":480,"bytes":1234,"quality":{"score":0.75,"parts":{}}})");
  auto k = ReadDedupKeys(r, "id");
  REQUIRE(k.ok());
  CHECK(k->has_sha256);
  CHECK(k->sha256 ==
        TextDigest("ab00000000000000000000000000000000000000000000000000000000000000"));
  CHECK(k->has_pixel_hash);
  CHECK(k->phash == 0x8000000000000001ull);
  CHECK(k->dhash == 0xff);
  CHECK(k->pixels == 640 * 480);
  CHECK(k->bytes == 1234);
  CHECK(k->quality == doctest::Approx(0.75));
  CHECK(k->id_digest == TextDigest("id"));
}

TEST_CASE("ReadDedupKeys: missing fields are fine, malformed hashes are errors") {
  auto empty = ReadDedupKeys(Parse(R"({"url":"x"})"), "");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->has_exact_key());
  CHECK_FALSE(empty->has_phash);
  CHECK(empty->quality == -1);
  CHECK(empty->pixels == 0);

  auto short_phash = ReadDedupKeys(Parse(R"({"phash":"abc"})"), "");
  CHECK(short_phash.status().code() == StatusCode::kCorruption);
  CHECK(short_phash.status().message() == "phash must be 16 hex digits, got \"abc\"");
  auto number = ReadDedupKeys(Parse(R"({"dhash":12})"), "");
  CHECK(number.status().message() == "dhash must be a string, got 12");
  auto sha = ReadDedupKeys(Parse(R"({"sha256":"xyz"})"), "");
  CHECK(sha.status().message().find("sha256 must be 64 hex digits") == 0);
  auto null_hash = ReadDedupKeys(Parse(R"({"phash":null})"), "");
  CHECK(null_hash.ok());
}

TEST_CASE("RecordId takes the first field present") {
  const std::vector<std::string> fields = {"url", "path", "sha256"};
  CHECK(RecordId(Parse(R"({"path":"a/b.jpg","url":"http://x/1"})"), fields) == "http://x/1");
  CHECK(RecordId(Parse(R"({"path":"a/b.jpg"})"), fields) == "a/b.jpg");
  CHECK(RecordId(Parse(R"({"url":null,"path":"p"})"), fields) == "p");
  CHECK(RecordId(Parse(R"({"id":7})"), {"id"}) == "7");
  CHECK(RecordId(Parse(R"({})"), fields).empty());
}

}  // namespace
}  // namespace pix
