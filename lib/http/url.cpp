#include "http/url.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace pix {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void AppendEscaped(std::string* out, unsigned char c) {
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

// Rewrites one URL component: %xx escapes upper-cased, escapes of unreserved
// characters decoded, bytes that are never valid in a URL escaped. Reserved
// characters, escaped or not, are left alone so the meaning is unchanged.
std::string CanonicalEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      const auto decoded = static_cast<unsigned char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        AppendEscaped(&out, decoded);
      }
      i += 2;
    } else if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' ||
               c == '^' || c == '`' || c == '{' || c == '|' || c == '}' || c == '%') {
      AppendEscaped(&out, c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

constexpr std::array<std::string_view, 21> kTrackingParameters = {
    "fbclid", "gclid",   "gclsrc",      "dclid",      "msclkid", "yclid",    "twclid",
    "ttclid", "igshid",  "mc_cid",      "mc_eid",     "_hsenc",  "_hsmi",    "_ga",
    "_gl",    "srsltid", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "mkt_tok"};

}  // namespace

bool IsTrackingParameter(std::string_view name) {
  const std::string n = Lower(UrlDecode(name));
  if (n.rfind("utm_", 0) == 0) return true;
  return std::find(kTrackingParameters.begin(), kTrackingParameters.end(), n) !=
         kTrackingParameters.end();
}

std::optional<std::string> NormalizeUrl(std::string_view url) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front())))
    url.remove_prefix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  std::string scheme;
  if (url.substr(0, 2) == "//") {
    scheme = "https";
    url.remove_prefix(2);
  } else {
    const size_t sep = url.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    scheme = Lower(url.substr(0, sep));
    if (scheme != "http" && scheme != "https") return std::nullopt;
    url.remove_prefix(sep + 3);
  }
  if (const size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  const size_t authority_end = std::min(url.find_first_of("/?"), url.size());
  std::string_view authority = url.substr(0, authority_end);
  std::string_view rest = url.substr(authority_end);

  std::string userinfo;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    userinfo = std::string(authority.substr(0, at + 1));
    authority.remove_prefix(at + 1);
  }
  std::string host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {  // IPv6 literal
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = Lower(authority.substr(0, close + 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;  // "[::1]x"
      port = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.rfind(':');
    host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    // A name or an IPv4 address has no colon: "host::80" is not a URL.
    if (host.find(':') != std::string::npos) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty() && port.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port = {};

  std::string out = scheme + "://" + userinfo + host;
  if (!port.empty()) out.append(":").append(port);

  const size_t qmark = rest.find('?');
  std::string_view path = rest.substr(0, qmark);
  out += path.empty() ? "/" : CanonicalEscapes(path);
  if (qmark == std::string_view::npos) return out;

  std::string query;
  std::string_view q = rest.substr(qmark + 1);
  while (!q.empty()) {
    const size_t amp = std::min(q.find('&'), q.size());
    std::string_view part = q.substr(0, amp);
    q.remove_prefix(std::min(amp + 1, q.size()));
    if (part.empty() || IsTrackingParameter(part.substr(0, part.find('=')))) continue;
    if (!query.empty()) query.push_back('&');
    query += CanonicalEscapes(part);
  }
  if (!query.empty()) out += "?" + query;
  return out;
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      AppendEscaped(&out, c);
    }
  }
  return out;
}

std::string UrlDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else if (text[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query) {
  if (const size_t hash = query.find('#'); hash != std::string_view::npos) {
    query = query.substr(0, hash);
  }
  if (!query.empty() && query.front() == '?') query.remove_prefix(1);
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = std::min(query.find('&'), query.size());
    std::string_view part = query.substr(0, amp);
    query.remove_prefix(std::min(amp + 1, query.size()));
    if (part.empty()) continue;
    const size_t eq = part.find('=');
    out.emplace_back(UrlDecode(part.substr(0, eq)),
                     eq == std::string_view::npos ? "" : UrlDecode(part.substr(eq + 1)));
  }
  return out;
}

std::optional<std::string> QueryParameter(std::string_view url, std::string_view name) {
  const size_t qmark = url.find('?');
  if (qmark == std::string_view::npos) return std::nullopt;
  for (auto& [k, v] : ParseQueryString(url.substr(qmark + 1))) {
    if (k == name) return std::move(v);
  }
  return std::nullopt;
}

QueryBuilder& QueryBuilder::Add(std::string_view name, std::string_view value) {
  if (!text_.empty()) text_.push_back('&');
  text_ += UrlEncode(name);
  text_.push_back('=');
  text_ += UrlEncode(value);
  return *this;
}

QueryBuilder& QueryBuilder::Add(std::string_view name, long long value) {
  return Add(name, std::to_string(value));
}

std::string UrlPathExtension(std::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    url.remove_prefix(std::min(url.find('/'), url.size()));
  }
  url = url.substr(0, std::min(url.find_first_of("?#"), url.size()));
  const size_t slash = url.rfind('/');
  std::string_view name = slash == std::string_view::npos ? url : url.substr(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size() || name.size() - dot > 6) return "";
  return Lower(UrlDecode(name.substr(dot + 1), false));
}

}  // namespace pix
