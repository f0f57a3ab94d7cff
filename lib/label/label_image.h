// LoadLabelImage: the picture an image backend looks at: the file decoded
// (JPEGs at the smallest DCT scale that keeps the longer side at least
// `long_side`), reduced by box averaging so its longer side is at most
// `long_side`, and turned upright by its EXIF orientation. Gray images stay
// one channel.
//
// Thread-safety: reentrant. Failure modes: kNotFound/kIoError (the file),
// kUnsupported (not JPEG, PNG or WebP), kLimitExceeded (over `max_pixels`),
// kCorruption (the decoder failed).
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "image/metrics.h"

namespace pix {

Result<OwnedPixels> LoadLabelImage(const std::string& path, int long_side, int orientation,
                                   uint64_t max_pixels = 89'478'485);

// The stable error code for a LoadLabelImage failure: image_missing,
// image_unreadable, image_unsupported, image_too_large, decode_error.
const char* LoadErrorCode(const Status& status);

}  // namespace pix
