// Thumbnails for the report: a small JPEG of an image file, decoded at a
// reduced DCT scale where the format allows, turned upright by its EXIF
// orientation, reduced by area averaging and encoded at quality 75.
// Thread-safety: reentrant. Failure modes: kNotFound/kIoError for an
// unreadable file, kUnsupported for a format we do not decode (GIF, TIFF,
// ...), kCorruption or kLimitExceeded from the decoder.
#pragma once

#include <string>

#include "base/status.h"

namespace pix {

// JPEG bytes whose longer side is at most `long_side`.
Result<std::string> MakeThumbnail(const std::string& path, int long_side);

}  // namespace pix
