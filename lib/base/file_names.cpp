#include "base/file_names.h"

#include <openssl/evp.h>

#include <array>
#include <cctype>
#include <cstdint>

#include <fmt/format.h>

namespace pix {
namespace {

constexpr std::array<std::string_view, 22> kReservedNames = {
    "CON",  "PRN",  "AUX",  "NUL",  "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"};

bool IsReserved(std::string_view name) {
  // Windows reserves the device names with any extension too ("nul.txt").
  std::string_view stem = name.substr(0, name.find('.'));
  if (stem.size() > 4) return false;
  for (std::string_view r : kReservedNames) {
    if (r.size() != stem.size()) continue;
    bool same = true;
    for (size_t i = 0; i < r.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(stem[i])) != r[i]) same = false;
    }
    if (same) return true;
  }
  return false;
}

size_t Utf8Length(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

uint32_t Fnv1a(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace

std::string SanitizeFileName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x80) {
      const bool bad = c < 0x20 || c == 0x7F || c == '/' || c == '\\' || c == '<' || c == '>' ||
                       c == ':' || c == '"' || c == '|' || c == '?' || c == '*';
      out.push_back(bad ? '_' : static_cast<char>(c));
      ++i;
      continue;
    }
    const size_t n = Utf8Length(name, i);
    if (n == 0) {
      out.push_back('_');
      ++i;
    } else {
      out.append(name.substr(i, n));
      i += n;
    }
  }
  // No leading or trailing dots and spaces: hidden files, "..", and names
  // Windows silently changes.
  const size_t first = out.find_first_not_of(". ");
  out = first == std::string::npos ? std::string() : out.substr(first);
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  if (out.empty()) out.assign(1, '_');
  if (IsReserved(out)) out = fmt::format("_{}", out);
  if (out.size() > kMaxFileNameBytes) {
    const std::string suffix = fmt::format("~{:08x}", Fnv1a(name));
    size_t cut = kMaxFileNameBytes - suffix.size();
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
    out += suffix;
  }
  return out;
}

bool IsSafeFileName(std::string_view name) { return SanitizeFileName(name) == name; }

namespace {

constexpr size_t kLabelHashDigits = 12;

// The first kLabelHashDigits hex digits of SHA-256(text). One OpenSSL call
// here rather than hash/sha256.h: base sits below hash in the layer order.
std::string LabelHash(std::string_view text) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), md, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length && out.size() < kLabelHashDigits; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out.substr(0, kLabelHashDigits);
}

bool EndsWithLabelHash(std::string_view name) {
  if (name.size() < kLabelHashDigits + 1) return false;
  const std::string_view tail = name.substr(name.size() - kLabelHashDigits);
  return name[name.size() - kLabelHashDigits - 1] == '~' &&
         tail.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string LabelDirName(std::string_view label) {
  std::string safe = SanitizeFileName(label);
  if (safe == label && !EndsWithLabelHash(safe)) return safe;
  const std::string suffix = fmt::format("~{}", LabelHash(label));
  if (safe.size() > kMaxFileNameBytes - suffix.size()) {
    size_t cut = kMaxFileNameBytes - suffix.size();
    while (cut > 0 && (static_cast<unsigned char>(safe[cut]) & 0xC0) == 0x80) --cut;
    safe.resize(cut);
    while (!safe.empty() && (safe.back() == '.' || safe.back() == ' ')) safe.pop_back();
    if (safe.empty()) safe.assign(1, '_');
  }
  return safe + suffix;
}

}  // namespace pix
