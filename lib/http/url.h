// URL text helpers: normalisation for de-duplication (pix-search merges the
// results of several engines by it; pix-fetch names files by it),
// percent-encoding for building requests, and query-string parsing for URLs
// found inside result pages (Google's /imgres?imgurl=..., Bing's nextUrl).
//
// NormalizeUrl() makes one spelling of a URL that different engines and
// queries report differently: scheme and host in lower case, default ports
// and fragments dropped, percent-escapes in upper case (and decoded where
// they stand for unreserved characters), bytes that may not appear in a URL
// escaped, and tracking parameters (utm_*, fbclid, gclid, ...) removed. It
// never decodes a reserved character, so the URL still means the same thing.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pix {

// The normalised form of an absolute http(s) URL; nullopt for anything else
// (relative, data:, javascript:, empty). "//host/x" is taken as https.
std::optional<std::string> NormalizeUrl(std::string_view url);

// Whether a query parameter name is a known tracking parameter.
bool IsTrackingParameter(std::string_view name);

// Percent-encodes everything but unreserved characters (RFC 3986), spaces as
// %20: safe for any query value or path segment.
std::string UrlEncode(std::string_view text);

// Decodes %XX escapes, and '+' as a space when `plus_is_space`. Malformed
// escapes are kept as they are.
std::string UrlDecode(std::string_view text, bool plus_is_space = true);

// The decoded name=value pairs of a query string (with or without a leading
// '?'; anything after '#' is ignored).
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query);

// The decoded value of parameter `name` in the query of `url`; nullopt when absent.
std::optional<std::string> QueryParameter(std::string_view url, std::string_view name);

// Builds "a=1&b=2" with each value encoded by UrlEncode().
class QueryBuilder {
 public:
  QueryBuilder& Add(std::string_view name, std::string_view value);
  QueryBuilder& Add(std::string_view name, long long value);
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// The lower-case file extension of a URL's path ("jpg"), empty when none.
std::string UrlPathExtension(std::string_view url);

}  // namespace pix
