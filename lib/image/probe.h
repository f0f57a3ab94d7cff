// ImageProbe: what an image file claims to be, from its headers and chunk
// structure alone, without decoding a pixel. pix-validate's fast level.
//
// ProbeImage() walks the whole container: JPEG markers and the entropy-coded
// data between them (to find every scan and the EOI), every PNG chunk with its
// CRC up to IEND, every WebP RIFF chunk against the RIFF size. It reports the
// dimensions and layout the headers declare, the first structural defect it
// met (truncation, bad CRC, malformed header) and any bytes after the end of
// the image. Nothing it returns has been allocated from a size read in the
// file: callers check width x height against their pixel budget before they
// decode. Cost is one linear pass over the bytes (CRC-32 for PNG, a memchr
// for 0xFF over JPEG scans).
//
// Thread-safety: pure functions over caller-owned bytes. Failure modes: none
// raised; defects are data in ImageInfo::defect.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "image/sniff.h"

namespace pix {

// The first structural problem found in the container, if any.
enum class ImageDefect {
  kNone,
  kTruncated,      // ends before the end marker (JPEG EOI, PNG IEND, RIFF size)
  kCorruptHeader,  // a header or chunk that cannot be what it claims
  kCrcMismatch,    // a PNG chunk whose CRC-32 does not match its bytes
};

// libjpeg-turbo refuses progressive JPEGs with more scans than this when asked
// to (TJFLAG_LIMITSCANS); the probe applies the same limit without decoding.
inline constexpr int kMaxJpegScans = 500;

struct ImageInfo {
  FileKind kind = FileKind::kUnknown;
  // As stored (before any EXIF orientation). 0 when the format has no header
  // we read (TIFF, AVIF, HEIC, SVG) or the header is broken.
  int width = 0;
  int height = 0;
  int channels = 0;   // samples per pixel as stored: 1 gray, 2 gray+alpha, 3, 4
  int bit_depth = 0;  // bits per sample (PNG palette: bits per index)
  // "gray", "rgb", "ycbcr", "cmyk", "ycck", "palette"; empty when unknown.
  std::string color_model;
  bool has_alpha = false;
  bool progressive = false;  // progressive JPEG, interlaced (Adam7) PNG
  bool lossless = false;     // PNG, lossless WebP (VP8L)
  bool animated = false;     // APNG (acTL) or animated WebP (ANIM)
  int frames = 1;            // declared frames when animated
  int jpeg_scans = 0;        // SOS markers found
  int jpeg_adobe_transform = -1;  // APP14 "Adobe" transform byte; -1 when absent
  bool jpeg_arithmetic = false;   // arithmetic-coded JPEG
  // JPEG quality estimated from the luminance quantisation table by finding
  // the libjpeg quality (1..100) whose scaled standard table is nearest; 0
  // when there is no table. jpeg_quality_exact: that table matches exactly.
  int jpeg_quality = 0;
  bool jpeg_quality_exact = false;

  // Metadata blocks, as views into the probed bytes (empty when absent).
  // exif starts at the TIFF header ("II*\0" / "MM\0*").
  std::string_view exif;
  bool has_icc = false;
  // The ICC profile's data colour space signature ("RGB ", "GRAY", "CMYK"),
  // when the profile header was readable; PNG's iCCP is compressed and left
  // empty.
  std::string icc_color_space;
  bool srgb_chunk = false;  // PNG sRGB chunk

  ImageDefect defect = ImageDefect::kNone;
  std::string defect_message;  // for people; empty when defect is kNone

  // Bytes after the image's end marker, and what they look like.
  uint64_t trailing_bytes = 0;
  // Another format or active content found after the end marker or inside a
  // comment/metadata segment ("zip", "html", "php", "script", ...); empty when
  // none. A file that is two things at once is a polyglot.
  std::string embedded_kind;
};

// Probes a whole file held in memory.
ImageInfo ProbeImage(std::string_view bytes);

// The libjpeg quality whose standard luminance table scaled is nearest to
// `table` (64 entries in natural, row-major order). Returns 0 for an all-zero
// table. `exact` is set when the match is exact.
int EstimateJpegQuality(const std::array<uint16_t, 64>& table, bool* exact);

}  // namespace pix
