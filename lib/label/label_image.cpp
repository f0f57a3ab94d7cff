#include "label/label_image.h"

#include "base/files.h"
#include "image/decode.h"
#include "image/sniff.h"
#include "image/transform.h"

namespace pix {

Result<OwnedPixels> LoadLabelImage(const std::string& path, int long_side, int orientation,
                                   uint64_t max_pixels) {
  PIX_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path, size_t{512} << 20));
  const FileKind kind = SniffKind(bytes);
  if (!IsRasterImage(kind)) return Status::Unsupported(path + ": not a JPEG, PNG or WebP image");
  DecodeOptions options;
  options.max_pixels = max_pixels;
  options.min_long_side = long_side;
  options.allow_animated = true;
  PIX_ASSIGN_OR_RETURN(DecodedImage decoded, DecodeImage(bytes, kind, options));
  const PixelView full{decoded.pixels.data(), decoded.width, decoded.height, decoded.channels};
  OwnedPixels small = DownscaleForAnalysis(full, long_side);
  if (orientation <= 1 || orientation > 8) return small;
  return ApplyOrientation(small.view(), orientation);
}

const char* LoadErrorCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return "image_missing";
    case StatusCode::kIoError:
      return "image_unreadable";
    case StatusCode::kUnsupported:
      return "image_unsupported";
    case StatusCode::kLimitExceeded:
      return "image_too_large";
    default:
      return "decode_error";
  }
}

}  // namespace pix
