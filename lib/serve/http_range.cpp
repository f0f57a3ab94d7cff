#include "serve/http_range.h"

#include <charconv>
#include <cstring>
#include <ctime>
#include <fmt/format.h>

namespace pix {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A non-negative decimal filling all of `s`.
std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

bool StartsWithCaseless(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

std::string_view Opaque(std::string_view tag) {
  return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag;
}

}  // namespace

RangeDecision ParseRange(std::string_view header, uint64_t length) {
  RangeDecision whole;
  header = Trim(header);
  if (!StartsWithCaseless(header, "bytes=")) return whole;
  std::string_view spec = Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return whole;  // several ranges
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const std::string_view first_text = Trim(spec.substr(0, dash));
  const std::string_view last_text = Trim(spec.substr(dash + 1));
  RangeDecision out;
  if (first_text.empty()) {  // suffix: the last n bytes
    auto n = ParseNumber(last_text);
    if (!n) return whole;
    if (*n == 0 || length == 0) {
      out.kind = RangeKind::kUnsatisfiable;
      return out;
    }
    out.kind = RangeKind::kPartial;
    out.range.first = *n >= length ? 0 : length - *n;
    out.range.last = length - 1;
    return out;
  }
  auto first = ParseNumber(first_text);
  if (!first) return whole;
  uint64_t last = UINT64_MAX;
  if (!last_text.empty()) {
    auto parsed = ParseNumber(last_text);
    if (!parsed || *parsed < *first) return whole;  // invalid: ignored
    last = *parsed;
  }
  if (*first >= length) {
    out.kind = RangeKind::kUnsatisfiable;
    return out;
  }
  out.kind = RangeKind::kPartial;
  out.range.first = *first;
  out.range.last = std::min(last, length - 1);
  return out;
}

std::string FormatHttpDate(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm {};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  s = Trim(s);
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' ||
      s[16] != ' ' || s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT") {
    return std::nullopt;
  }
  int month = -1;
  for (int i = 0; i < 12; ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = i;
  }
  auto day = ParseNumber(s.substr(5, 2));
  auto year = ParseNumber(s.substr(12, 4));
  auto hour = ParseNumber(s.substr(17, 2));
  auto minute = ParseNumber(s.substr(20, 2));
  auto second = ParseNumber(s.substr(23, 2));
  if (month < 0 || !day || !year || !hour || !minute || !second || *day < 1 || *day > 31 ||
      *hour > 23 || *minute > 59 || *second > 60 || *year < 1970) {
    return std::nullopt;
  }
  struct tm tm {};
  tm.tm_year = static_cast<int>(*year) - 1900;
  tm.tm_mon = month;
  tm.tm_mday = static_cast<int>(*day);
  tm.tm_hour = static_cast<int>(*hour);
  tm.tm_min = static_cast<int>(*minute);
  tm.tm_sec = static_cast<int>(*second);
  return static_cast<int64_t>(timegm(&tm));
}

bool IfNoneMatchMatches(std::string_view header, std::string_view etag) {
  header = Trim(header);
  if (header == "*") return true;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view tag = Trim(header.substr(0, comma));
    if (!tag.empty() && Opaque(tag) == Opaque(etag)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

bool IfRangeMatches(std::string_view header, std::string_view etag, int64_t last_modified) {
  header = Trim(header);
  if (header.empty()) return false;
  if (header.front() == '"') return etag.substr(0, 2) != "W/" && header == etag;
  if (header.substr(0, 2) == "W/") return false;
  auto date = ParseHttpDate(header);
  return date && *date == last_modified;
}

}  // namespace pix
