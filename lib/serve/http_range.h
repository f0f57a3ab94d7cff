// The parts of HTTP semantics (RFC 9110) a file server decides on its own:
// byte ranges, HTTP dates, entity tags and the conditional headers that use
// them. The HTTP library parses the messages; these functions decide what a
// header means for one file.
//
// Pure functions; thread-safe. Malformed input is never an error: RFC 9110
// says to ignore a Range or condition the server does not understand, so the
// functions answer "ignore" (a whole-file 200) instead.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pix {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
  uint64_t size() const { return last - first + 1; }
};

enum class RangeKind {
  kWhole,          // no Range, a malformed one, another unit, or several
                   // ranges (answered with the whole file, which RFC 9110
                   // allows, instead of multipart/byteranges)
  kPartial,        // one satisfiable range: 206 with `range`
  kUnsatisfiable,  // 416 with "Content-Range: bytes */<length>"
};

struct RangeDecision {
  RangeKind kind = RangeKind::kWhole;
  ByteRange range;
};

// What a Range header value means for a file of `length` bytes.
RangeDecision ParseRange(std::string_view header, uint64_t length);

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate) for unix seconds.
std::string FormatHttpDate(int64_t unix_seconds);
// Parses an IMF-fixdate; nullopt for anything else (obsolete formats too).
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Whether an If-None-Match value ("*" or a list of tags) matches `etag`
// (weak comparison, as RFC 9110 asks for If-None-Match).
bool IfNoneMatchMatches(std::string_view header, std::string_view etag);

// Whether an If-Range value lets the Range apply: a strong ETag equal to
// `etag`, or a date equal to `last_modified`. Weak tags never match.
bool IfRangeMatches(std::string_view header, std::string_view etag, int64_t last_modified);

}  // namespace pix
