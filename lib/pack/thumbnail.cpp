#include "pack/thumbnail.h"

#include "base/files.h"
#include "image/decode.h"
#include "image/exif.h"
#include "image/metrics.h"
#include "image/probe.h"
#include "image/sniff.h"
#include "image/transform.h"

namespace pix {

Result<std::string> MakeThumbnail(const std::string& path, int long_side) {
  PIX_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path, 64u << 20));
  const FileKind kind = SniffKind(bytes);
  if (kind != FileKind::kJpeg && kind != FileKind::kPng && kind != FileKind::kWebp) {
    return Status::Unsupported(std::string("no thumbnail for ") + FileKindName(kind));
  }
  DecodeOptions options;
  options.min_long_side = long_side;
  options.allow_animated = true;
  PIX_ASSIGN_OR_RETURN(DecodedImage image, DecodeImage(bytes, kind, options));
  PixelView view{image.pixels.data(), image.width, image.height, image.channels};
  OwnedPixels small = DownscaleForAnalysis(view, long_side);
  const ImageInfo info = ProbeImage(bytes);
  if (!info.exif.empty()) {
    const int orientation = ReadExif(info.exif, false).orientation;
    if (orientation > 1) small = ApplyOrientation(small.view(), orientation);
  }
  return EncodeJpeg(small.view(), 75);
}

}  // namespace pix
