#include "fetch/download_name.h"

#include <cctype>
#include <vector>

#include "base/file_names.h"
#include "http/url.h"

namespace pix {
namespace {

// Extensions of two parts that name one format ("x.tar.zst" is a zstd
// stream of a tar, and pix-pack verify looks for ".tar.zst").
constexpr std::string_view kCompoundExtensions[] = {"tar.gz", "tar.zst", "tar.xz", "tar.bz2"};
constexpr size_t kMaxExtensionBytes = 10;

constexpr std::string_view kSignatureParameters[] = {"expires",
                                                     "sig",
                                                     "X-Amz-Algorithm",
                                                     "X-Amz-Credential",
                                                     "X-Amz-Date",
                                                     "X-Amz-Expires",
                                                     "X-Amz-SignedHeaders",
                                                     "X-Amz-Signature",
                                                     "X-Amz-Security-Token"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsAlnum(std::string_view s) {
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// Splits a safe name into stem and lower-case extension ("" when none).
std::pair<std::string, std::string> SplitExtension(const std::string& name) {
  const std::string lower = Lower(name);
  for (std::string_view ext : kCompoundExtensions) {
    if (lower.size() > ext.size() + 1 &&
        lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0 &&
        lower[lower.size() - ext.size() - 1] == '.') {
      return {name.substr(0, name.size() - ext.size() - 1), std::string(ext)};
    }
  }
  const size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return {name, ""};
  const std::string_view ext = std::string_view(lower).substr(dot + 1);
  if (ext.size() > kMaxExtensionBytes || !IsAlnum(ext)) return {name, ""};
  return {name.substr(0, dot), std::string(ext)};
}

// `s` cut to at most `max` bytes without splitting a UTF-8 sequence, and
// without trailing dots or spaces.
std::string CutUtf8(std::string s, size_t max) {
  if (s.size() > max) {
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    s.resize(end);
  }
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string UrlBaseName(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const size_t path = url.find('/', scheme + 3);
  if (path == std::string_view::npos) return "";
  return UrlDecode(url.substr(url.rfind('/') + 1), /*plus_is_space=*/false);
}

std::string AnyTypeFileName(std::string_view key, std::string_view url, FileKind kind) {
  const std::string base = UrlBaseName(url);
  const bool known = kind != FileKind::kUnknown && kind != FileKind::kEmpty;
  // SanitizeFileName turns an empty or all-dots name into "_": no name.
  const std::string safe = base.empty() ? "" : SanitizeFileName(base);
  if (safe.empty() || safe == "_") return std::string(key) + "." + FileExtension(kind);
  auto [stem, ext] = SplitExtension(safe);
  stem = CutUtf8(stem, kMaxUrlStemBytes);
  if (ext.empty() && known) ext = FileExtension(kind);
  std::string name = std::string(key) + "-" + (stem.empty() ? "_" : stem);
  if (!ext.empty()) name += "." + ext;
  return name;
}

std::string WithoutLinkSignature(std::string_view url) {
  const size_t query = url.find('?');
  if (query == std::string_view::npos) return std::string(url);
  const size_t hash = std::min(url.find('#', query), url.size());
  std::string out(url.substr(0, query));
  char sep = '?';
  std::string_view rest = url.substr(query + 1, hash - query - 1);
  while (!rest.empty()) {
    const size_t amp = std::min(rest.find('&'), rest.size());
    const std::string_view pair = rest.substr(0, amp);
    const std::string_view name = pair.substr(0, pair.find('='));
    bool signature = false;
    for (std::string_view p : kSignatureParameters) signature = signature || name == p;
    if (!signature && !pair.empty()) {
      out += sep;
      out += pair;
      sep = '&';
    }
    rest.remove_prefix(std::min(rest.size(), amp + 1));
  }
  return out + std::string(url.substr(hash));
}

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Sha256UrlBeside(std::string_view url) {
  const size_t end = std::min(url.find_first_of("?#"), url.size());
  return std::string(url.substr(0, end)) + ".sha256" + std::string(url.substr(end));
}

Result<std::string> ParseSha256File(std::string_view text, std::string_view name) {
  struct Line {
    std::string digest;
    std::string name;
  };
  std::vector<Line> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() < 64 || !IsSha256Hex(line.substr(0, 64)) ||
        (line.size() > 64 && line[64] != ' ' && line[64] != '\t')) {
      return Status::InvalidArgument("not a sha256sum checksum file");
    }
    std::string_view rest = line.substr(std::min<size_t>(line.size(), 65));
    if (!rest.empty() && (rest[0] == ' ' || rest[0] == '*')) rest.remove_prefix(1);
    lines.push_back({Lower(line.substr(0, 64)), std::string(rest)});
  }
  if (lines.empty()) return Status::InvalidArgument("the checksum file is empty");
  if (lines.size() == 1) return lines[0].digest;
  for (const Line& l : lines) {
    const std::string_view last = std::string_view(l.name).substr(l.name.rfind('/') + 1);
    if (l.name == name || last == name) return l.digest;
  }
  return Status::InvalidArgument("the checksum file has no line for '" + std::string(name) + "'");
}

}  // namespace pix
