// Synthetic, photo-like test images: smooth backgrounds, soft shapes and
// sensor-like noise, deterministic for a seed. Used by the tests, the demo and
// the benchmarks, so no image ever has to come from outside the project.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
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

}  // namespace pix::testing
