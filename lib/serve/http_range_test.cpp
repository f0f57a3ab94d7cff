#include "serve/http_range.h"

#include <doctest/doctest.h>

namespace pix {

namespace {
RangeDecision R(const char* header, uint64_t length = 1000) { return ParseRange(header, length); }
}  // namespace

TEST_CASE("ParseRange: single ranges") {
  auto d = R("bytes=0-99");
  CHECK(d.kind == RangeKind::kPartial);
  CHECK(d.range.first == 0);
  CHECK(d.range.last == 99);
  CHECK(d.range.size() == 100);
  d = R("bytes=900-");
  CHECK(d.kind == RangeKind::kPartial);
  CHECK(d.range.first == 900);
  CHECK(d.range.last == 999);
  d = R("bytes=990-5000");  // clamped to the end
  CHECK(d.range.last == 999);
  d = R("bytes=-100");  // the last 100 bytes
  CHECK(d.range.first == 900);
  CHECK(d.range.last == 999);
  d = R("bytes=-5000");  // more than the file: all of it
  CHECK(d.kind == RangeKind::kPartial);
  CHECK(d.range.first == 0);
  d = R(" Bytes=5-5 ");
  CHECK(d.kind == RangeKind::kPartial);
  CHECK(d.range.size() == 1);
}

TEST_CASE("ParseRange: unsatisfiable ranges") {
  CHECK(R("bytes=1000-").kind == RangeKind::kUnsatisfiable);
  CHECK(R("bytes=1000-2000").kind == RangeKind::kUnsatisfiable);
  CHECK(R("bytes=-0").kind == RangeKind::kUnsatisfiable);
  CHECK(R("bytes=0-", 0).kind == RangeKind::kUnsatisfiable);
  CHECK(R("bytes=-5", 0).kind == RangeKind::kUnsatisfiable);
}

TEST_CASE("ParseRange: ignored ranges mean the whole file") {
  for (const char* h : {"", "bytes", "bytes=", "bytes=-", "bytes=5-1", "bytes=a-b", "items=0-5",
                        "bytes=0-1,5-6", "bytes=0-1, 900-", "bytes=99999999999999999999-"}) {
    CAPTURE(h);
    CHECK(R(h).kind == RangeKind::kWhole);
  }
}

TEST_CASE("HTTP dates round-trip") {
  CHECK(FormatHttpDate(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
  CHECK(*ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(*ParseHttpDate(FormatHttpDate(1700000000)) == 1700000000);
  CHECK_FALSE(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"));
  CHECK_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 PST"));
  CHECK_FALSE(ParseHttpDate("Sun, 06 Foo 1994 08:49:37 GMT"));
}

TEST_CASE("Conditional headers") {
  const char* etag = "\"abc\"";
  CHECK(IfNoneMatchMatches("\"abc\"", etag));
  CHECK(IfNoneMatchMatches("\"x\", W/\"abc\"", etag));
  CHECK(IfNoneMatchMatches("*", etag));
  CHECK_FALSE(IfNoneMatchMatches("\"abd\"", etag));
  CHECK(IfRangeMatches("\"abc\"", etag, 0));
  CHECK_FALSE(IfRangeMatches("W/\"abc\"", etag, 0));
  CHECK_FALSE(IfRangeMatches("\"abd\"", etag, 0));
  CHECK_FALSE(IfRangeMatches("\"abc\"", "W/\"abc\"", 0));
  CHECK(IfRangeMatches("Sun, 06 Nov 1994 08:49:37 GMT", etag, 784111777));
  CHECK_FALSE(IfRangeMatches("Sun, 06 Nov 1994 08:49:38 GMT", etag, 784111777));
  CHECK_FALSE(IfRangeMatches("garbage", etag, 784111777));
}

}  // namespace pix
