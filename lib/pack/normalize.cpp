#include "pack/normalize.h"

#include <fmt/format.h>
#include <webp/encode.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "image/decode.h"
#include "image/exif.h"
#include "image/pillow_compat.h"
#include "image/probe.h"
#include "image/sniff.h"
#include "image/transform.h"

namespace pix {
namespace {

bool ParseInt(std::string_view s, int* out) {
  if (s.empty() || s.size() > 5) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return v > 0;
}

Result<std::string> EncodeWebpBytes(const PixelView& p, int quality) {
  std::vector<uint8_t> rgb;
  const uint8_t* data = p.data;
  if (p.channels == 1) {  // WebP has no gray mode
    rgb.resize(static_cast<size_t>(p.width) * p.height * 3);
    for (size_t i = 0; i < static_cast<size_t>(p.width) * p.height; ++i) {
      rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = p.data[i];
    }
    data = rgb.data();
  }
  uint8_t* buf = nullptr;
  const size_t n =
      WebPEncodeRGB(data, p.width, p.height, p.width * 3, static_cast<float>(quality), &buf);
  if (n == 0) return Status::Internal("WebP encode failed");
  std::string out(reinterpret_cast<char*>(buf), n);
  WebPFree(buf);
  return out;
}

}  // namespace

Result<NormalizeOptions> ParseNormalizeOptions(std::string_view size, std::string_view mode,
                                               std::string_view format, int quality) {
  NormalizeOptions o;
  o.quality = quality;
  if (!format.empty()) {
    if (format == "jpg") format = "jpeg";
    if (format != "jpeg" && format != "png" && format != "webp") {
      return Status::InvalidArgument(fmt::format("--format: jpeg, png or webp, not '{}'", format));
    }
    o.format = std::string(format);
  }
  if (size.empty()) {
    if (!mode.empty()) return Status::InvalidArgument("--resize-mode needs --resize");
    return o;
  }
  const size_t x = size.find('x');
  const bool box = x != std::string_view::npos;
  if (box ? !(ParseInt(size.substr(0, x), &o.width) && ParseInt(size.substr(x + 1), &o.height))
          : !ParseInt(size, &o.width)) {
    return Status::InvalidArgument(fmt::format("--resize: expected N or WxH, got '{}'", size));
  }
  if (!box) o.height = o.width;
  if (mode.empty()) mode = box ? "crop" : "shorter";
  if (mode == "shorter")
    o.mode = ResizeMode::kShorter;
  else if (mode == "longer")
    o.mode = ResizeMode::kLonger;
  else if (mode == "crop")
    o.mode = ResizeMode::kCrop;
  else if (mode == "pad")
    o.mode = ResizeMode::kPad;
  else
    return Status::InvalidArgument(
        fmt::format("--resize-mode: shorter, longer, crop or pad, not '{}'", mode));
  if (box && (o.mode == ResizeMode::kShorter || o.mode == ResizeMode::kLonger)) {
    return Status::InvalidArgument("--resize WxH goes with --resize-mode crop or pad");
  }
  return o;
}

void ResizedSize(const NormalizeOptions& o, int w, int h, int* out_w, int* out_h) {
  double scale = 1;
  switch (o.mode) {
    case ResizeMode::kNone:
      break;
    case ResizeMode::kShorter:
      scale = static_cast<double>(o.width) / std::min(w, h);
      break;
    case ResizeMode::kLonger:
      scale = static_cast<double>(o.width) / std::max(w, h);
      break;
    case ResizeMode::kCrop:
      scale = std::max(static_cast<double>(o.width) / w, static_cast<double>(o.height) / h);
      break;
    case ResizeMode::kPad:
      scale = std::min(static_cast<double>(o.width) / w, static_cast<double>(o.height) / h);
      break;
  }
  *out_w = std::max(1, static_cast<int>(std::lround(w * scale)));
  *out_h = std::max(1, static_cast<int>(std::lround(h * scale)));
  if (o.mode == ResizeMode::kCrop) {  // cover the box even after rounding
    *out_w = std::max(*out_w, o.width);
    *out_h = std::max(*out_h, o.height);
  } else if (o.mode == ResizeMode::kPad) {
    *out_w = std::min(*out_w, o.width);
    *out_h = std::min(*out_h, o.height);
  }
}

OwnedPixels ResizePixels(const PixelView& in, int width, int height) {
  OwnedPixels out;
  out.width = width;
  out.height = height;
  out.channels = in.channels;
  out.data.resize(static_cast<size_t>(width) * height * in.channels);
  std::vector<uint8_t> plane(static_cast<size_t>(in.width) * in.height);
  for (int c = 0; c < in.channels; ++c) {
    for (size_t i = 0; i < plane.size(); ++i) plane[i] = in.data[i * in.channels + c];
    const std::vector<uint8_t> r =
        PillowResizeLanczos(plane.data(), in.width, in.height, width, height);
    for (size_t i = 0; i < r.size(); ++i) out.data[i * in.channels + c] = r[i];
  }
  return out;
}

Result<NormalizedImage> NormalizeImage(std::string_view bytes, const NormalizeOptions& options) {
  const FileKind kind = SniffKind(bytes);
  if (kind != FileKind::kJpeg && kind != FileKind::kPng && kind != FileKind::kWebp) {
    return Status::Unsupported(std::string("cannot re-encode ") + FileKindName(kind));
  }
  DecodeOptions decode;
  decode.allow_animated = true;
  PIX_ASSIGN_OR_RETURN(DecodedImage image, DecodeImage(bytes, kind, decode));
  OwnedPixels pixels;
  pixels.width = image.width;
  pixels.height = image.height;
  pixels.channels = image.channels;
  pixels.data = std::move(image.pixels);
  const ImageInfo info = ProbeImage(bytes);
  if (!info.exif.empty()) {
    const int orientation = ReadExif(info.exif, false).orientation;
    if (orientation > 1) pixels = ApplyOrientation(pixels.view(), orientation);
  }
  if (options.mode != ResizeMode::kNone) {
    int w = 0, h = 0;
    ResizedSize(options, pixels.width, pixels.height, &w, &h);
    if (w != pixels.width || h != pixels.height) pixels = ResizePixels(pixels.view(), w, h);
    if (options.mode == ResizeMode::kCrop || options.mode == ResizeMode::kPad) {
      OwnedPixels boxed;
      boxed.width = options.width;
      boxed.height = options.height;
      boxed.channels = pixels.channels;
      boxed.data.assign(static_cast<size_t>(boxed.width) * boxed.height * boxed.channels, 255);
      // Offsets of the picture in the box (pad) or of the box in the picture (crop).
      const int dx = (boxed.width - pixels.width) / 2, dy = (boxed.height - pixels.height) / 2;
      const int ch = pixels.channels;
      for (int y = 0; y < boxed.height; ++y) {
        const int sy = y - dy;
        if (sy < 0 || sy >= pixels.height) continue;
        for (int x = 0; x < boxed.width; ++x) {
          const int sx = x - dx;
          if (sx < 0 || sx >= pixels.width) continue;
          for (int k = 0; k < ch; ++k) {
            boxed.data[(static_cast<size_t>(y) * boxed.width + x) * ch + k] =
                pixels.data[(static_cast<size_t>(sy) * pixels.width + sx) * ch + k];
          }
        }
      }
      pixels = std::move(boxed);
    }
  }
  NormalizedImage out;
  out.format = options.format;
  if (out.format.empty()) {
    out.format = kind == FileKind::kPng ? "png" : kind == FileKind::kWebp ? "webp" : "jpeg";
  }
  out.width = pixels.width;
  out.height = pixels.height;
  if (out.format == "png") {
    PIX_ASSIGN_OR_RETURN(out.bytes, EncodePng(pixels.view()));
  } else if (out.format == "webp") {
    PIX_ASSIGN_OR_RETURN(out.bytes, EncodeWebpBytes(pixels.view(), options.quality));
  } else {
    PIX_ASSIGN_OR_RETURN(out.bytes, EncodeJpeg(pixels.view(), options.quality, true));
  }
  return out;
}

}  // namespace pix
