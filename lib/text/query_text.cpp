#include "text/query_text.h"

#include <cstdint>

namespace pix {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    *cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    *cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(k) & 0x3F);
  }
  return len;
}

uint32_t LowerCodePoint(uint32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0xC0) return cp;
  if (cp <= 0xDE && cp != 0xD7) return cp + 32;  // Latin-1
  if (cp >= 0x100 && cp <= 0x17F) {              // Latin Extended-A
    if (cp == 0x130) return 'i';
    const bool odd_is_upper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
    if (odd_is_upper) return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp == 0x178) return 0xFF;
    return (cp % 2 == 0 && cp != 0x138 && cp != 0x149) ? cp + 1 : cp;
  }
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;  // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                 // Cyrillic А-Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;                 // Cyrillic Ѐ-Џ
  return cp;
}

bool IsSpaceCodePoint(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
         cp == 0xA0 || cp == 0x2002 || cp == 0x2003 || cp == 0x2009 || cp == 0x3000;
}

bool IsControlCodePoint(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
}

std::string Clean(std::string_view text, bool fold) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {  // invalid byte: keep it, it is not ours to repair
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.push_back(text[i++]);
      continue;
    }
    i += len;
    if (IsSpaceCodePoint(cp)) {
      pending_space = true;
      continue;
    }
    if (IsControlCodePoint(cp)) continue;
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    const uint32_t lower = fold ? LowerCodePoint(cp) : cp;
    if (lower == cp) {
      out.append(text.substr(i - len, len));
    } else if (lower < 0x80) {  // every folded code point is below U+0800
      out.push_back(static_cast<char>(lower));
    } else {
      out.push_back(static_cast<char>(0xC0 | (lower >> 6)));
      out.push_back(static_cast<char>(0x80 | (lower & 0x3F)));
    }
  }
  return out;
}

bool IsWordByte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
}

}  // namespace

std::string NormalizeQuery(std::string_view text) { return Clean(text, false); }

std::string FoldQuery(std::string_view text) { return Clean(text, true); }

bool ContainsWords(std::string_view text, std::string_view words) {
  const std::string hay = FoldQuery(text);
  const std::string needle = FoldQuery(words);
  if (needle.empty()) return false;
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    const bool start_ok = pos == 0 || !IsWordByte(hay[pos - 1]);
    const size_t end = pos + needle.size();
    const bool end_ok = end == hay.size() || !IsWordByte(hay[end]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

}  // namespace pix
