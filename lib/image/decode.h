// ImageDecoder: JPEG (libjpeg-turbo), PNG (libpng) and WebP (libwebp) to
// 8-bit gray or RGB pixels, with the safety rules listed in ARCHITECTURE.md.
//
// Every decoder reads the header first and refuses width x height above
// `max_pixels` before it allocates anything; progressive JPEGs are limited to
// 500 scans (TJFLAG_LIMITSCANS); libpng's own chunk limits stay on. JPEGs can
// be decoded at 1/2, 1/4 or 1/8 scale by the IDCT itself (DCT scaling), which
// is how metrics and fast hashes avoid full-size decodes.
//
// At scale 1 the pixels are the ones Pillow 9.4 produces for the same file
// (libjpeg ISLOW IDCT with fancy upsampling, Adobe CMYK inverted and turned
// into RGB with Pillow's cmyk2rgb, 16-bit PNG samples cut to their high byte,
// palette expanded), so Pillow-compatible hashes can be computed from them.
// Alpha is dropped: Pillow's convert("L") ignores it and the metrics look at
// colour. For 16-bit gray PNGs Pillow's convert("L") clips the 16-bit value to
// 255 instead of scaling; `pillow_gray` holds that plane.
//
// Thread-safety: functions are reentrant (each call owns its decoder state).
// Failure modes: kLimitExceeded (pixel budget), kCorruption (the decoder
// failed), kUnsupported (format or JPEG process we do not decode).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "image/pixel_buffer.h"
#include "image/sniff.h"

namespace pix {

struct DecodeOptions {
  // Pixel budget checked against the header before any allocation. Pillow's
  // default decompression-bomb limit.
  uint64_t max_pixels = 89'478'485;
  // When > 0, a JPEG is decoded at the smallest DCT scale (1/8, 1/4, 1/2)
  // whose longer side is still at least this many pixels; 0 decodes at full
  // size. Other formats always decode at full size.
  int min_long_side = 0;
  // Decode luma only (JPEG: no chroma work). Pixels then have 1 channel.
  bool gray = false;
  // Decode the first frame of an animated WebP instead of failing.
  bool allow_animated = false;
};

struct DecodedImage {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 (gray) or 3 (RGB)
  int scale_denom = 1;  // 1, 2, 4 or 8: width is ceil(stored width / scale_denom)
  PixelBuffer pixels;  // row-major, interleaved
  // Pillow's convert("L") plane when it is not the luma of `pixels` (16-bit
  // gray PNG); empty otherwise.
  PixelBuffer pillow_gray;
  // The decoder recovered from corrupt data (libjpeg warning, e.g. premature
  // end of data); the pixels exist but part of them are filler.
  bool corrupt = false;
  std::string corrupt_message;
};

Result<DecodedImage> DecodeImage(std::string_view bytes, FileKind kind, const DecodeOptions& options);

// Pillow's convert("L") of a decoded image, at its decoded size.
PixelBuffer PillowGray(const DecodedImage& image);

}  // namespace pix
