#include "serve/signed_link.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>
#include <fmt/format.h>

#include "base/files.h"
#include "http/url.h"
#include "serve/hmac.h"

namespace pix {
namespace {

constexpr size_t kMaxPathBytes = 4096;
constexpr size_t kMaxSegmentBytes = 255;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of query parameter `name`; "" when absent. Sets *duplicate when
// the parameter appears twice (such a link is refused, never half-trusted).
std::string_view QueryValue(std::string_view query, std::string_view name, bool* duplicate) {
  std::string_view found;
  bool seen = false;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    if (seen) *duplicate = true;
    seen = true;
    found = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
  }
  return found;
}

std::optional<int64_t> ParseExpires(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::string SignedMessage(std::string_view path, int64_t expires) {
  return fmt::format("GET\n{}{}\n{}", kLinkPrefix, path, expires);
}

}  // namespace

Status CheckSecret(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    return Status::InvalidArgument(fmt::format(
        "the signing secret is {} bytes; use at least {} (e.g. `openssl rand -hex 32`)",
        secret.size(), kMinSecretBytes));
  }
  return Status::Ok();
}

Result<std::string> ReadSecretFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("secret file " + path, errno);
  struct stat st {};
  const int stat_rc = ::fstat(fd, &st);
  const int stat_errno = errno;
  ::close(fd);
  if (stat_rc != 0) return Status::FromErrno("secret file " + path, stat_errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("secret file " + path + " is not a file");
  if (st.st_mode & (S_IROTH | S_IWOTH)) {
    return Status::InvalidArgument(fmt::format(
        "secret file {} is accessible by other users (mode {:o}); chmod 600 it", path,
        st.st_mode & 0777));
  }
  PIX_ASSIGN_OR_RETURN(std::string secret, ReadFile(path, 64 * 1024));
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ' || secret.back() == '\t')) {
    secret.pop_back();
  }
  PIX_RETURN_IF_ERROR(CheckSecret(secret).WithContext("secret file " + path));
  return secret;
}

Result<std::string> DecodeLinkPath(std::string_view raw) {
  if (raw.empty()) return Status::InvalidArgument("empty path");
  if (raw.size() > kMaxPathBytes) return Status::InvalidArgument("path too long");
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      const int hi = i + 2 < raw.size() ? HexValue(raw[i + 1]) : -1;
      const int lo = hi >= 0 ? HexValue(raw[i + 2]) : -1;
      if (lo < 0) return Status::InvalidArgument("malformed percent-escape");
      c = static_cast<char>(hi * 16 + lo);
      if (c == '/') return Status::InvalidArgument("encoded '/' in path");
      i += 2;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Status::InvalidArgument("control character in path");
    if (c == '\\') return Status::InvalidArgument("backslash in path");
    out.push_back(c);
  }
  std::string_view rest = out;
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty()) return Status::InvalidArgument("empty path segment");
    if (segment.front() == '.') return Status::InvalidArgument("path segment starts with '.'");
    if (segment.size() > kMaxSegmentBytes) return Status::InvalidArgument("path segment too long");
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

std::string EncodeLinkPath(std::string_view path) {
  std::string out;
  while (true) {
    const size_t slash = path.find('/');
    out += UrlEncode(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string LinkSigner::Signature(std::string_view path, int64_t expires) const {
  return HexEncode(key_->Mac(SignedMessage(path, expires)));
}

Result<std::string> LinkSigner::Link(std::string_view path, int64_t expires) const {
  const std::string encoded = EncodeLinkPath(path);
  auto decoded = DecodeLinkPath(encoded);
  if (!decoded.ok()) return decoded.status().WithContext(fmt::format("cannot sign '{}'", path));
  return fmt::format("{}{}?expires={}&sig={}", kLinkPrefix, encoded, expires,
                     Signature(path, expires));
}

LinkCheck LinkSigner::Check(std::string_view target, int64_t now) const {
  LinkCheck check;
  const size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (raw_path.substr(0, kLinkPrefix.size()) != kLinkPrefix) {
    check.verdict = LinkVerdict::kBadPath;
    return check;
  }
  raw_path.remove_prefix(kLinkPrefix.size());
  auto path = DecodeLinkPath(raw_path);
  if (!path.ok()) {
    check.verdict = LinkVerdict::kBadPath;
    return check;
  }
  check.path = std::move(*path);
  bool duplicate = false;
  const std::string_view expires_text = QueryValue(query, "expires", &duplicate);
  const std::string_view sig = QueryValue(query, "sig", &duplicate);
  const auto expires = ParseExpires(expires_text);
  if (duplicate || !expires || sig.size() != 64) return check;  // kForbidden
  std::string given(sig);
  for (char& c : given) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!ConstantTimeEqual(given, Signature(check.path, *expires))) return check;
  check.expires = *expires;
  check.verdict = now > *expires ? LinkVerdict::kExpired : LinkVerdict::kValid;
  return check;
}

Result<int64_t> ParseDuration(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  int64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "m") scale = 60;
  else if (unit == "h") scale = 3600;
  else if (unit == "d") scale = 86400;
  else if (unit == "w") scale = 7 * 86400;
  if (ec != std::errc() || end == text.data() || scale == 0 || value <= 0 ||
      value > int64_t{100} * 365 * 86400 / scale) {
    return Status::InvalidArgument(fmt::format(
        "bad duration '{}' (a positive number with s, m, h, d or w, e.g. 24h)", text));
  }
  return value * scale;
}

}  // namespace pix
