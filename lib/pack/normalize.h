// Normalising images while packing: resize the way img2dataset users expect,
// re-encode to one format, turn the picture upright by its EXIF orientation,
// and leave every metadata block behind (EXIF with its GPS position, XMP,
// ICC profiles, comments): the output is encoded from pixels alone.
//
// Resize modes (SIZE is N or WxH; N means NxN where a box is needed):
//   shorter  the shorter side becomes N, the other keeps the aspect ratio
//   longer   the longer side becomes N
//   crop     cover WxH keeping the aspect ratio, then cut the centre
//            (img2dataset's center_crop)
//   pad      fit inside WxH keeping the aspect ratio, then pad the borders
//            with white to WxH (img2dataset's border)
// Resampling is Lanczos-3 (Pillow's arithmetic, image/pillow_compat.h)
// per channel, up or down. Alpha is dropped (decoders give gray or RGB).
//
// Thread-safety: pure functions. Failure modes: kInvalidArgument for a bad
// SIZE or mode; kCorruption/kUnsupported/kLimitExceeded from the decoder;
// kInternal when an encoder fails.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "image/metrics.h"

namespace pix {

enum class ResizeMode { kNone, kShorter, kLonger, kCrop, kPad };

struct NormalizeOptions {
  ResizeMode mode = ResizeMode::kNone;
  int width = 0;  // target box, or N in width for shorter/longer
  int height = 0;
  std::string format;  // "jpeg", "png", "webp"; "" keeps the source's (JPEG for others)
  int quality = 90;    // JPEG and lossy WebP, 1..100
  bool active() const { return mode != ResizeMode::kNone || !format.empty(); }
};

// Parses --resize SIZE, --resize-mode MODE and --format. An empty size
// means no resizing; mode defaults to shorter for N and crop for WxH.
Result<NormalizeOptions> ParseNormalizeOptions(std::string_view size, std::string_view mode,
                                               std::string_view format, int quality);

struct NormalizedImage {
  std::string bytes;
  std::string format;  // "jpeg", "png", "webp"
  int width = 0;
  int height = 0;
};

Result<NormalizedImage> NormalizeImage(std::string_view bytes, const NormalizeOptions& options);

// Lanczos-3 resize of 1- or 3-channel pixels to width x height.
OwnedPixels ResizePixels(const PixelView& in, int width, int height);

// The size an image of `w` x `h` is resized to before any crop or pad.
void ResizedSize(const NormalizeOptions& o, int w, int h, int* out_w, int* out_h);

}  // namespace pix
