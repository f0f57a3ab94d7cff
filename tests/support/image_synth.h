// Synthetic, photo-like test images: smooth backgrounds, soft shapes and
// sensor-like noise, deterministic for a seed. Used by the tests, the demo and
// the benchmarks, so no image ever has to come from outside the project.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix::testing {

// Interleaved 8-bit pixels, `channels` per pixel (1 = gray, 3 = RGB).
struct Pixels {
  int width = 0;
  int height = 0;
  int channels = 3;
  std::vector<uint8_t> data;
};

// A photo-like RGB image for `seed`.
Pixels SynthesizePhoto(int width, int height, uint64_t seed);

// Encoders. `quality` is used by JPEG and lossy WebP (WebP is lossless when
// quality > 100).
Result<std::string> EncodeJpeg(const Pixels& pixels, int quality);
Result<std::string> EncodePng(const Pixels& pixels);
Result<std::string> EncodeWebp(const Pixels& pixels, int quality);

// Encodes by format name: "jpg"/"jpeg", "png" or "webp".
Result<std::string> Encode(const Pixels& pixels, const std::string& format, int quality);

// Decodes a JPEG to RGB (for re-encoding tests and the dedup benchmark).
Result<Pixels> DecodeJpeg(std::string_view bytes);

// The transforms a copied image goes through on the web, for the dedup tests
// and benchmark. Resize by box filtering (`scale` in (0, 1]); Crop removes
// `fraction` of each dimension, half from each side; Brighten multiplies
// every channel by `factor`; Caption draws short text (digits, capitals,
// space) in white with a dark outline near the bottom-left corner, about 6%
// of the image height tall.
Pixels Resize(const Pixels& pixels, double scale);
Pixels Crop(const Pixels& pixels, double fraction);
Pixels Brighten(const Pixels& pixels, double factor);
Pixels Caption(const Pixels& pixels, std::string_view text);

// The same image in other bytes: a JPEG comment segment after SOI, or a PNG
// tEXt chunk before IEND. Decoded pixels are unchanged.
Result<std::string> AddMetadata(std::string_view encoded, std::string_view text);

// The names MakeVariant knows: copy (the same bytes), meta (AddMetadata),
// resize50, resize25, jpeg40 (the base's bytes decoded and re-encoded at
// quality 40), crop5, bright15, format (PNG for a JPEG base, decoded pixels;
// JPEG quality 90 for a PNG base), text (Caption).
const std::vector<std::string>& VariantNames();

// One variant of a base image whose pixels and encoded bytes are given.
// Returns the bytes; *format is "jpg" or "png".
Result<std::string> MakeVariant(const Pixels& base, const std::string& base_bytes,
                                const std::string& base_format, const std::string& variant,
                                std::string* format);

}  // namespace pix::testing
