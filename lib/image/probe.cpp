#include "image/probe.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include <fmt/format.h>
#include <simdjson.h>

namespace pix {
namespace {

uint32_t Be16(const unsigned char* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint32_t Le16(const unsigned char* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
uint32_t Le24(const unsigned char* p) { return Le16(p) | (uint32_t{p[2]} << 16); }
uint32_t Le32(const unsigned char* p) { return Le24(p) | (uint32_t{p[3]} << 24); }

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void SetDefect(ImageInfo* info, ImageDefect defect, std::string message) {
  if (info->defect != ImageDefect::kNone) return;  // keep the first
  info->defect = defect;
  info->defect_message = std::move(message);
}

bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return it != hay.end();
}

// Active content hidden in a comment or metadata segment, the classic
// image/script polyglot. `needle`s are lower case.
std::string ActiveContentIn(std::string_view data) {
  if (ContainsNoCase(data, "<?php")) return "php";
  if (ContainsNoCase(data, "<script")) return "script";
  if (ContainsNoCase(data, "<html") || ContainsNoCase(data, "<!doctype html")) return "html";
  return "";
}

// Whether the file ends with a ZIP archive: an end-of-central-directory
// record in the last 64 KiB (where ZIP readers look for it) whose comment
// reaches the end of the file, and whose central directory, just before it,
// holds at least one entry. Four bytes "PK\5\6" alone are no archive.
bool HasZipDirectory(std::string_view whole) {
  const std::string_view eocd("PK\x05\x06", 4);
  const size_t window = std::min<size_t>(whole.size(), 65535 + 22);
  const size_t base = whole.size() - window;
  for (size_t at = whole.rfind(eocd); at != std::string_view::npos && at >= base;
       at = at == 0 ? std::string_view::npos : whole.rfind(eocd, at - 1)) {
    if (at + 22 > whole.size()) continue;
    const unsigned char* e = U(whole) + at;
    const uint32_t entries = Le16(e + 10), cd_size = Le32(e + 12), comment = Le16(e + 20);
    if (entries == 0 || cd_size < 46 || cd_size > at || at + 22 + comment != whole.size()) continue;
    if (whole.substr(at - cd_size, 4) == std::string_view("PK\x01\x02", 4)) return true;
  }
  return false;
}

// Whether `data` starts with a complete gzip member (inflates to its end).
bool IsCompleteGzip(std::string_view data) {
  const unsigned char* d = U(data);
  if (data.size() < 18 || d[0] != 0x1F || d[1] != 0x8B || d[2] != 8 || (d[3] & 0xE0) != 0) return false;
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return false;
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(data.size(), 64u << 20));
  unsigned char out[16384];
  int rc = Z_OK;
  uint64_t produced = 0;
  // A stream that inflates past 64 MiB without an error is gzip enough.
  while (rc == Z_OK && produced < (64u << 20)) {
    z.next_out = out;
    z.avail_out = sizeof out;
    rc = inflate(&z, Z_NO_FLUSH);
    produced += sizeof out - z.avail_out;
  }
  inflateEnd(&z);
  return rc == Z_STREAM_END || (rc == Z_OK && produced >= (64u << 20));
}

// Whether `text` (padding already skipped) is one JSON object or array of at
// least kMinJsonBytes, followed by nothing but padding.
constexpr size_t kMinJsonBytes = 16;
bool IsJsonDocument(std::string_view text) {
  if (text.empty() || (text[0] != '{' && text[0] != '[')) return false;
  while (!text.empty() && (text.back() == '\0' || std::isspace(static_cast<unsigned char>(text.back())))) {
    text.remove_suffix(1);
  }
  if (text.size() < kMinJsonBytes || text.size() > (16u << 20)) return false;
  const char close = text[0] == '{' ? '}' : ']';
  if (text.back() != close) return false;  // cheap refusal of most random bytes
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  return !parser.parse(simdjson::padded_string(text)).get(root);
}

// What trailing bytes after an image's end marker are when they make the
// file a polyglot: a second complete, parseable document (a ZIP archive
// with its central directory, HTML or script, a PDF with its end marker, a
// complete gzip member, a JSON object or array of real size). Anything else
// -- camera and phone trailers, padding, an appended thumbnail or a second
// picture (MPF), stray bytes -- is only trailing data: "".
std::string ClassifyTrailing(std::string_view whole, std::string_view trailing) {
  if (trailing.empty()) return "";
  if (HasZipDirectory(whole)) return "zip";
  const std::string_view head = trailing.substr(0, 1 << 20);
  if (std::string active = ActiveContentIn(head); !active.empty()) return active;
  // Skip padding some encoders leave (NULs, whitespace) before sniffing.
  size_t i = 0;
  while (i < trailing.size() && (trailing[i] == '\0' || std::isspace(static_cast<unsigned char>(trailing[i])))) ++i;
  std::string_view rest = trailing.substr(i);
  if (rest.empty()) return "";
  switch (SniffKind(rest.substr(0, kSniffBytes))) {
    case FileKind::kHtml:
      return "html";
    case FileKind::kPdf:
      return ContainsNoCase(rest.substr(rest.size() - std::min<size_t>(rest.size(), 1024)), "%%eof") ? "pdf"
                                                                                                   : "";
    case FileKind::kGzip:
      return IsCompleteGzip(rest) ? "gzip" : "";
    case FileKind::kJson:
      return IsJsonDocument(rest) ? "json" : "";
    default:
      return "";
  }
}

// Records the first embedded format found.
void KeepEmbedded(ImageInfo* info, std::string kind) {
  if (info->embedded_kind.empty()) info->embedded_kind = std::move(kind);
}

// ---- JPEG ----------------------------------------------------------------

constexpr uint8_t kZigZagToNatural[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

// Reads the DQT segment payload; keeps table 0 (luminance) in natural order.
void ParseDqt(const unsigned char* p, size_t n, std::array<uint16_t, 64>* luma, bool* have) {
  size_t i = 0;
  while (i < n) {
    const int precision = p[i] >> 4, id = p[i] & 15;
    const size_t entry = precision ? 2 : 1;
    ++i;
    if (i + 64 * entry > n) return;
    if (id == 0) {
      for (int k = 0; k < 64; ++k) {
        (*luma)[kZigZagToNatural[k]] =
            static_cast<uint16_t>(precision ? Be16(p + i + 2 * k) : p[i + k]);
      }
      *have = true;
    }
    i += 64 * entry;
  }
}

// Position just after the entropy-coded data that starts at `pos`: the
// offset of the next marker's 0xFF, or size when none follows.
size_t SkipEntropyData(std::string_view b, size_t pos) {
  const unsigned char* d = U(b);
  while (pos < b.size()) {
    const void* ff = std::memchr(d + pos, 0xFF, b.size() - pos);
    if (!ff) return b.size();
    size_t at = static_cast<const unsigned char*>(ff) - d;
    if (at + 1 >= b.size()) return b.size();
    const unsigned char next = d[at + 1];
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
      pos = at + (next == 0xFF ? 1 : 2);  // stuffed byte, restart marker or fill
      continue;
    }
    return at;
  }
  return b.size();
}

void ProbeJpeg(std::string_view b, ImageInfo* info) {
  const unsigned char* d = U(b);
  size_t pos = 2;
  bool have_sof = false, have_dqt = false, ended = false;
  std::array<uint16_t, 64> luma{};
  while (pos < b.size()) {
    if (d[pos] != 0xFF) {
      SetDefect(info, ImageDefect::kCorruptHeader, fmt::format("JPEG: expected a marker at byte {}", pos));
      return;
    }
    while (pos < b.size() && d[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= b.size()) break;
    const unsigned char m = d[pos++];
    if (m == 0xD9) {
      ended = true;
      break;
    }
    if ((m >= 0xD0 && m <= 0xD7) || m == 0x01) continue;  // no payload
    if (m == 0xD8 || m == 0x00) {
      SetDefect(info, ImageDefect::kCorruptHeader, fmt::format("JPEG: stray marker 0x{:02X}", m));
      return;
    }
    if (pos + 2 > b.size()) break;
    const size_t len = Be16(d + pos);
    if (len < 2) {
      SetDefect(info, ImageDefect::kCorruptHeader, "JPEG: segment length below 2");
      return;
    }
    if (pos + len > b.size()) break;  // truncated
    const unsigned char* p = d + pos + 2;
    const size_t n = len - 2;
    const std::string_view payload(b.data() + pos + 2, n);
    pos += len;
    const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (have_sof) continue;  // a second SOF is ignored, as libjpeg does for DNL
      if (n < 6) {
        SetDefect(info, ImageDefect::kCorruptHeader, "JPEG: short SOF segment");
        return;
      }
      have_sof = true;
      info->bit_depth = p[0];
      info->height = static_cast<int>(Be16(p + 1));
      info->width = static_cast<int>(Be16(p + 3));
      info->channels = p[5];
      info->progressive = m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE;
      info->jpeg_arithmetic = m >= 0xC9;
      if (info->width == 0 || info->height == 0 || info->channels == 0 ||
          n < 6 + 3 * static_cast<size_t>(info->channels)) {
        SetDefect(info, ImageDefect::kCorruptHeader, "JPEG: SOF declares no pixels or no components");
        return;
      }
    } else if (m == 0xDB) {
      ParseDqt(p, n, &luma, &have_dqt);
    } else if (m == 0xE1 && payload.substr(0, 6) == std::string_view("Exif\0\0", 6)) {
      if (info->exif.empty()) info->exif = payload.substr(6);
    } else if (m == 0xE2 && payload.substr(0, 12) == std::string_view("ICC_PROFILE\0", 12)) {
      info->has_icc = true;
      // Chunk 1 carries the 128-byte profile header.
      if (n >= 14 + 20 && p[12] == 1) info->icc_color_space = std::string(payload.substr(14 + 16, 4));
    } else if (m == 0xEE && payload.substr(0, 5) == "Adobe" && n >= 12) {
      info->jpeg_adobe_transform = p[11];
    } else if (m == 0xFE || (m >= 0xE0 && m <= 0xEF)) {
      KeepEmbedded(info, ActiveContentIn(payload));
    } else if (m == 0xDA) {
      if (!have_sof) {
        SetDefect(info, ImageDefect::kCorruptHeader, "JPEG: scan before the frame header");
        return;
      }
      ++info->jpeg_scans;
      pos = SkipEntropyData(b, pos);
    }
  }
  if (!have_sof) {
    SetDefect(info, ended ? ImageDefect::kCorruptHeader : ImageDefect::kTruncated,
              "JPEG: no frame header (SOF)");
    return;
  }
  if (!ended) {
    SetDefect(info, ImageDefect::kTruncated, "JPEG: no end-of-image marker");
  } else if (info->jpeg_scans == 0) {
    SetDefect(info, ImageDefect::kCorruptHeader, "JPEG: no scan");
  }
  info->trailing_bytes = b.size() - std::min(pos, b.size());
  if (ended) KeepEmbedded(info, ClassifyTrailing(b, b.substr(pos)));
  switch (info->channels) {
    case 1: info->color_model = "gray"; break;
    case 3: info->color_model = info->jpeg_adobe_transform == 0 ? "rgb" : "ycbcr"; break;
    case 4: info->color_model = info->jpeg_adobe_transform == 2 ? "ycck" : "cmyk"; break;
    default: break;
  }
  if (have_dqt) info->jpeg_quality = EstimateJpegQuality(luma, &info->jpeg_quality_exact);
}

// ---- PNG -----------------------------------------------------------------

bool ValidPngDepth(int color_type, int depth) {
  switch (color_type) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6: return depth == 8 || depth == 16;
    default: return false;
  }
}

void ProbePng(std::string_view b, ImageInfo* info) {
  const unsigned char* d = U(b);
  size_t pos = 8;
  bool first = true, have_idat = false, ended = false, have_trns = false;
  int color_type = -1;
  while (pos + 12 <= b.size()) {
    const uint32_t len = Be32(d + pos);
    const std::string_view type = b.substr(pos + 4, 4);
    if (len > 0x7FFFFFFFu) {
      SetDefect(info, ImageDefect::kCorruptHeader, "PNG: chunk length above 2^31-1");
      return;
    }
    if (pos + 12 + len > b.size()) break;  // truncated
    const unsigned char* p = d + pos + 8;
    const uint32_t stored_crc = Be32(p + len);
    const uint32_t crc = static_cast<uint32_t>(crc32(crc32(0, nullptr, 0), d + pos + 4, len + 4));
    if (crc != stored_crc) {
      SetDefect(info, ImageDefect::kCrcMismatch, fmt::format("PNG: CRC mismatch in chunk {}", type));
    }
    pos += 12 + len;
    if (first) {
      first = false;
      if (type != "IHDR" || len != 13) {
        SetDefect(info, ImageDefect::kCorruptHeader, "PNG: first chunk is not IHDR");
        return;
      }
      const uint32_t w = Be32(p), h = Be32(p + 4);
      info->bit_depth = p[8];
      color_type = p[9];
      info->progressive = p[12] == 1;
      if (w == 0 || h == 0 || w > 0x7FFFFFFFu || h > 0x7FFFFFFFu || !ValidPngDepth(color_type, p[8]) ||
          p[10] != 0 || p[11] != 0 || p[12] > 1) {
        SetDefect(info, ImageDefect::kCorruptHeader, "PNG: invalid IHDR");
        return;
      }
      info->width = static_cast<int>(w);
      info->height = static_cast<int>(h);
      info->lossless = true;
      static constexpr int kChannels[7] = {1, 0, 3, 1, 2, 0, 4};
      static constexpr const char* kModel[7] = {"gray", "", "rgb", "palette", "gray", "", "rgb"};
      info->channels = kChannels[color_type];
      info->color_model = kModel[color_type];
      info->has_alpha = color_type == 4 || color_type == 6;
      continue;
    }
    if (type == "IDAT") {
      have_idat = true;
    } else if (type == "IEND") {
      ended = true;
      break;
    } else if (type == "acTL" && len >= 8) {
      info->animated = true;
      info->frames = static_cast<int>(std::min<uint32_t>(Be32(p), 1u << 30));
    } else if (type == "iCCP") {
      info->has_icc = true;
    } else if (type == "sRGB") {
      info->srgb_chunk = true;
    } else if (type == "tRNS") {
      have_trns = true;
    } else if (type == "eXIf") {
      if (info->exif.empty()) info->exif = b.substr(p - d, len);
    } else if (type == "CgBI") {
      SetDefect(info, ImageDefect::kCorruptHeader, "PNG: Apple CgBI variant");
    } else if (type == "tEXt" || type == "zTXt" || type == "iTXt") {
      KeepEmbedded(info, ActiveContentIn(b.substr(p - d, len)));
    }
  }
  if (first) {
    SetDefect(info, ImageDefect::kTruncated, "PNG: no IHDR chunk");
    return;
  }
  if (have_trns && color_type == 3) info->has_alpha = true;
  if (!ended) {
    SetDefect(info, ImageDefect::kTruncated, "PNG: no IEND chunk");
  } else if (!have_idat) {
    SetDefect(info, ImageDefect::kCorruptHeader, "PNG: no image data (IDAT)");
  }
  info->trailing_bytes = b.size() - std::min(pos, b.size());
  if (ended) KeepEmbedded(info, ClassifyTrailing(b, b.substr(pos)));
}

// ---- WebP ----------------------------------------------------------------

void ProbeWebp(std::string_view b, ImageInfo* info) {
  const unsigned char* d = U(b);
  const uint64_t riff_size = Le32(d + 4);
  const uint64_t riff_end = riff_size + 8;
  if (riff_size < 4 || (riff_size & 1)) {
    SetDefect(info, ImageDefect::kCorruptHeader, "WebP: invalid RIFF size");
    return;
  }
  if (riff_end > b.size()) {
    SetDefect(info, ImageDefect::kTruncated,
              fmt::format("WebP: RIFF size {} exceeds the file ({} bytes)", riff_end, b.size()));
  }
  const size_t end = static_cast<size_t>(std::min<uint64_t>(riff_end, b.size()));
  size_t pos = 12;
  bool have_image = false, vp8x = false;
  info->bit_depth = 8;
  while (pos + 8 <= end) {
    const std::string_view fourcc = b.substr(pos, 4);
    uint64_t size = Le32(d + pos + 4);
    const unsigned char* p = d + pos + 8;
    const bool cut = pos + 8 + size > end;
    if (cut) {
      SetDefect(info, ImageDefect::kTruncated, fmt::format("WebP: chunk {} runs past the end", fourcc));
      size = end - pos - 8;  // still read the headers that are there
    }
    pos = cut ? end : pos + 8 + size + (size & 1);
    if (fourcc == "VP8X" && size >= 10) {
      vp8x = true;
      info->has_icc = p[0] & 0x20;
      info->has_alpha = p[0] & 0x10;
      info->animated = p[0] & 0x02;
      info->width = static_cast<int>(Le24(p + 4) + 1);
      info->height = static_cast<int>(Le24(p + 7) + 1);
      info->frames = 0;
    } else if (fourcc == "VP8 " && size >= 10 && !have_image) {
      have_image = true;
      if (p[3] != 0x9D || p[4] != 0x01 || p[5] != 0x2A || (p[0] & 1)) {
        SetDefect(info, ImageDefect::kCorruptHeader, "WebP: bad VP8 key frame header");
        return;
      }
      if (!vp8x) {
        info->width = static_cast<int>(Le16(p + 6) & 0x3FFF);
        info->height = static_cast<int>(Le16(p + 8) & 0x3FFF);
      }
    } else if (fourcc == "VP8L" && size >= 5 && !have_image) {
      have_image = true;
      if (p[0] != 0x2F) {
        SetDefect(info, ImageDefect::kCorruptHeader, "WebP: bad VP8L signature");
        return;
      }
      info->lossless = true;
      const uint32_t bits = Le32(p + 1);
      if (!vp8x) {
        info->width = static_cast<int>((bits & 0x3FFF) + 1);
        info->height = static_cast<int>(((bits >> 14) & 0x3FFF) + 1);
        info->has_alpha = (bits >> 28) & 1;
      }
    } else if (fourcc == "ANMF") {
      ++info->frames;
      have_image = true;
    } else if (fourcc == "ALPH") {
      info->has_alpha = true;
    } else if (fourcc == "ICCP") {
      info->has_icc = true;
      if (size >= 20) info->icc_color_space = std::string(b.substr(p - d + 16, 4));
    } else if (fourcc == "EXIF") {
      std::string_view exif = b.substr(p - d, size);
      if (exif.substr(0, 6) == std::string_view("Exif\0\0", 6)) exif.remove_prefix(6);
      if (info->exif.empty()) info->exif = exif;
    }
  }
  if (info->frames == 0) info->frames = 1;
  if (!have_image && info->defect == ImageDefect::kNone) {
    SetDefect(info, ImageDefect::kCorruptHeader, "WebP: no image chunk (VP8, VP8L or ANMF)");
  }
  if (info->width <= 0 || info->height <= 0) {
    SetDefect(info, ImageDefect::kCorruptHeader, "WebP: no dimensions");
  }
  info->channels = info->has_alpha ? 4 : 3;
  info->color_model = "rgb";
  if (riff_end < b.size()) {
    info->trailing_bytes = b.size() - riff_end;
    KeepEmbedded(info, ClassifyTrailing(b, b.substr(riff_end)));
  }
}

// ---- Formats we recognise but do not decode -----------------------------

void ProbeOther(std::string_view b, ImageInfo* info) {
  const unsigned char* d = U(b);
  if (info->kind == FileKind::kGif && b.size() >= 10) {
    info->width = static_cast<int>(Le16(d + 6));
    info->height = static_cast<int>(Le16(d + 8));
    info->channels = 3;
    info->color_model = "palette";
    info->bit_depth = 8;
  } else if (info->kind == FileKind::kBmp && b.size() >= 26) {
    const int32_t w = static_cast<int32_t>(Le32(d + 18)), h = static_cast<int32_t>(Le32(d + 22));
    info->width = w;
    info->height = h == INT32_MIN ? 0 : std::abs(h);
  }
}

}  // namespace

int EstimateJpegQuality(const std::array<uint16_t, 64>& table, bool* exact) {
  // libjpeg's jcparam.c: std_luminance_quant_tbl (natural order) and the
  // quality scaling of jpeg_quality_scaling() / jpeg_add_quant_table().
  static constexpr uint16_t kStd[64] = {
      16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
      14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
      18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
      49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};
  bool any = false;
  for (uint16_t v : table) any |= v != 0;
  *exact = false;
  if (!any) return 0;
  int best = 0;
  uint64_t best_err = UINT64_MAX;
  for (int q = 1; q <= 100; ++q) {
    const long scale = q < 50 ? 5000 / q : 200 - 2 * q;
    uint64_t err = 0;
    for (int i = 0; i < 64; ++i) {
      long v = (kStd[i] * scale + 50) / 100;
      v = std::clamp(v, 1L, 255L);
      err += static_cast<uint64_t>(std::abs(v - static_cast<long>(table[i])));
    }
    if (err < best_err) {  // ties keep the lower quality
      best_err = err;
      best = q;
    }
  }
  *exact = best_err == 0;
  return best;
}

ImageInfo ProbeImage(std::string_view bytes) {
  ImageInfo info;
  info.kind = SniffKind(bytes.substr(0, kSniffBytes));
  switch (info.kind) {
    case FileKind::kJpeg:
      ProbeJpeg(bytes, &info);
      break;
    case FileKind::kPng:
      ProbePng(bytes, &info);
      break;
    case FileKind::kWebp:
      ProbeWebp(bytes, &info);
      break;
    default:
      ProbeOther(bytes, &info);
      break;
  }
  return info;
}

}  // namespace pix
