// Small whole-picture operations on 8-bit pixels: EXIF orientation, and JPEG
// and PNG encoding (the downscaled picture pix-validate shows a vision model,
// pix-pack's normalised images, the tests' synthetic images).
// Thread-safety: pure functions. Failure modes: EncodeJpeg and EncodePng
// return kInternal when libjpeg-turbo or libpng fails.
#pragma once

#include <string>

#include "base/status.h"
#include "image/metrics.h"

namespace pix {

// The picture as it should be displayed for EXIF orientation 1..8 (mirrors
// and rotations; 5..8 swap width and height). Other values copy it.
OwnedPixels ApplyOrientation(const PixelView& in, int orientation);

// Baseline JPEG (4:2:0 for colour, or gray), `quality` 1..100;
// `accurate_dct` selects libjpeg's slow, exact forward DCT.
Result<std::string> EncodeJpeg(const PixelView& in, int quality, bool accurate_dct = false);

// PNG of gray (1 channel) or RGB (3 channels) pixels, libpng's default
// compression. REQUIRES: in.channels is 1 or 3.
Result<std::string> EncodePng(const PixelView& in);

}  // namespace pix
