#include "image/decode.h"

#include <png.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include <csetjmp>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "image/pillow_compat.h"

namespace pix {
namespace {

Status CheckBudget(uint64_t width, uint64_t height, const DecodeOptions& options) {
  if (width == 0 || height == 0) return Status::Corruption("image has no pixels");
  if (width * height > options.max_pixels) {
    return Status::LimitExceeded(fmt::format("{}x{} = {} pixels exceeds the budget of {}", width, height,
                                             width * height, options.max_pixels));
  }
  return Status::Ok();
}

// ---- JPEG ----------------------------------------------------------------

using TjHandle = std::unique_ptr<void, int (*)(tjhandle)>;

Result<DecodedImage> DecodeJpeg(std::string_view bytes, const DecodeOptions& options) {
  TjHandle tj(tjInitDecompress(), tjDestroy);
  if (!tj) return Status::Internal("tjInitDecompress failed");
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  int width = 0, height = 0, subsamp = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), data, bytes.size(), &width, &height, &subsamp, &colorspace) != 0) {
    return Status::Corruption(std::string("JPEG header: ") + tjGetErrorStr2(tj.get()));
  }
  PIX_RETURN_IF_ERROR(CheckBudget(width, height, options));

  DecodedImage out;
  tjscalingfactor scale{1, 1};
  if (options.min_long_side > 0) {
    const int long_side = std::max(width, height);
    for (int denom : {8, 4, 2}) {
      if ((long_side + denom - 1) / denom >= options.min_long_side) {
        scale = {1, denom};
        out.scale_denom = denom;
        break;
      }
    }
  }
  out.width = TJSCALED(width, scale);
  out.height = TJSCALED(height, scale);
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  const bool gray = options.gray || colorspace == TJCS_GRAY;
  const int pixel_format = cmyk ? TJPF_CMYK : gray ? TJPF_GRAY : TJPF_RGB;
  const int in_channels = tjPixelSize[pixel_format];
  PixelBuffer buffer(static_cast<size_t>(out.width) * out.height * in_channels);
  // Flags 0 besides the scan limit: ISLOW IDCT and fancy upsampling, the
  // libjpeg defaults Pillow decodes with.
  if (tjDecompress2(tj.get(), data, bytes.size(), buffer.data(), out.width, 0, out.height, pixel_format,
                    TJFLAG_LIMITSCANS) != 0) {
    const std::string message = tjGetErrorStr2(tj.get());
    if (tjGetErrorCode(tj.get()) != TJERR_WARNING) return Status::Corruption("JPEG: " + message);
    out.corrupt = true;
    out.corrupt_message = "JPEG: " + message;
  }
  if (!cmyk) {
    out.channels = in_channels;
    out.pixels = std::move(buffer);
    if (gray && out.channels != 1) return Status::Internal("gray JPEG decoded with colour");
    return out;
  }
  if (gray) {
    return Status::Unsupported("gray-only decoding of CMYK JPEG");  // not requested by callers
  }
  // Pillow reads every CMYK JPEG as inverted ("CMYK;I", assuming Adobe's
  // convention, which is what Photoshop and libjpeg-turbo write), then
  // converts with cmyk2rgb.
  out.channels = 3;
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (size_t i = 0, n = static_cast<size_t>(out.width) * out.height; i < n; ++i) {
    uint8_t cmyk_px[4];
    for (int k = 0; k < 4; ++k) cmyk_px[k] = static_cast<uint8_t>(255 - buffer[i * 4 + k]);
    PillowCmykToRgb(cmyk_px, &out.pixels[i * 3]);
  }
  return out;
}

// ---- PNG -----------------------------------------------------------------

struct PngSource {
  const unsigned char* data;
  size_t size;
  size_t pos;
};

struct PngErrorState {
  std::jmp_buf jump;
  char message[256];
};

void PngError(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngErrorState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  std::longjmp(state->jump, 1);
}

void PngWarning(png_structp, png_const_charp) {}

void PngRead(png_structp png, png_bytep out, png_size_t length) {
  auto* src = static_cast<PngSource*>(png_get_io_ptr(png));
  if (length > src->size - src->pos) png_error(png, "unexpected end of file");
  std::memcpy(out, src->data + src->pos, length);
  src->pos += length;
}

// Owns the libpng structures; destroying it frees them.
struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

Result<DecodedImage> DecodePng(std::string_view bytes, const DecodeOptions& options) {
  // Everything with a destructor lives outside the setjmp frame below.
  PngErrorState error{};
  PngSource source{reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), 0};
  PngReader reader;
  DecodedImage out;
  PixelBuffer raw;  // 16-bit gray samples
  std::vector<png_bytep> rows;
  Status budget;
  reader.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, PngError, PngWarning);
  if (!reader.png) return Status::Internal("png_create_read_struct failed");
  reader.info = png_create_info_struct(reader.png);
  if (!reader.info) return Status::Internal("png_create_info_struct failed");
  if (setjmp(error.jump)) return Status::Corruption(std::string("PNG: ") + error.message);

  png_set_read_fn(reader.png, &source, PngRead);
  png_read_info(reader.png, reader.info);
  const png_uint_32 width = png_get_image_width(reader.png, reader.info);
  const png_uint_32 height = png_get_image_height(reader.png, reader.info);
  budget = CheckBudget(width, height, options);  // before any pixel allocation
  if (!budget.ok()) return budget;
  const int color_type = png_get_color_type(reader.png, reader.info);
  const int depth = png_get_bit_depth(reader.png, reader.info);
  const bool gray16 = (color_type == PNG_COLOR_TYPE_GRAY) && depth == 16;
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader.png);
  if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(reader.png);
  if (depth == 16 && !gray16) png_set_strip_16(reader.png);
  if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(reader.png);
  png_set_interlace_handling(reader.png);
  png_read_update_info(reader.png, reader.info);

  out.width = static_cast<int>(width);
  out.height = static_cast<int>(height);
  out.channels = png_get_channels(reader.png, reader.info);
  const size_t rowbytes = png_get_rowbytes(reader.png, reader.info);
  uint8_t* base;
  if (gray16) {
    raw.resize(rowbytes * height);
    base = raw.data();
  } else {
    out.pixels.resize(rowbytes * height);
    base = out.pixels.data();
  }
  rows.resize(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = base + y * rowbytes;
  png_read_image(reader.png, rows.data());
  png_read_end(reader.png, nullptr);

  if (gray16) {
    const size_t n = static_cast<size_t>(width) * height;
    out.pixels.resize(n);
    out.pillow_gray.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const unsigned v = (unsigned{raw[2 * i]} << 8) | raw[2 * i + 1];
      out.pixels[i] = raw[2 * i];
      out.pillow_gray[i] = static_cast<uint8_t>(std::min(v, 255u));  // Pillow's I -> L clip
    }
  }
  return out;
}

// ---- WebP ----------------------------------------------------------------

Result<DecodedImage> DecodeWebp(std::string_view bytes, const DecodeOptions& options) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(data, bytes.size(), &features) != VP8_STATUS_OK) {
    return Status::Corruption("WebP: unreadable header");
  }
  PIX_RETURN_IF_ERROR(CheckBudget(features.width, features.height, options));
  DecodedImage out;
  out.width = features.width;
  out.height = features.height;
  out.channels = 3;
  PixelBuffer rgba(static_cast<size_t>(out.width) * out.height * 4);
  if (features.has_animation) {
    if (!options.allow_animated) return Status::Unsupported("WebP: animated");
    WebPAnimDecoderOptions anim_options;
    WebPAnimDecoderOptionsInit(&anim_options);
    anim_options.color_mode = MODE_RGBA;
    const WebPData webp_data{data, bytes.size()};
    std::unique_ptr<WebPAnimDecoder, void (*)(WebPAnimDecoder*)> dec(
        WebPAnimDecoderNew(&webp_data, &anim_options), WebPAnimDecoderDelete);
    uint8_t* frame = nullptr;
    int timestamp = 0;
    if (!dec || !WebPAnimDecoderGetNext(dec.get(), &frame, &timestamp)) {
      return Status::Corruption("WebP: cannot decode the first frame");
    }
    std::memcpy(rgba.data(), frame, rgba.size());
  } else if (!WebPDecodeRGBAInto(data, bytes.size(), rgba.data(), rgba.size(), out.width * 4)) {
    return Status::Corruption("WebP: decoding failed");
  }
  out.pixels.resize(static_cast<size_t>(out.width) * out.height * 3);
  for (size_t i = 0, n = static_cast<size_t>(out.width) * out.height; i < n; ++i) {
    std::memcpy(&out.pixels[i * 3], &rgba[i * 4], 3);
  }
  return out;
}

}  // namespace

Result<DecodedImage> DecodeImage(std::string_view bytes, FileKind kind, const DecodeOptions& options) {
  switch (kind) {
    case FileKind::kJpeg:
      return DecodeJpeg(bytes, options);
    case FileKind::kPng:
      return DecodePng(bytes, options);
    case FileKind::kWebp:
      return DecodeWebp(bytes, options);
    default:
      return Status::Unsupported(fmt::format("no decoder for {}", FileKindName(kind)));
  }
}

PixelBuffer PillowGray(const DecodedImage& image) {
  if (!image.pillow_gray.empty()) return image.pillow_gray;
  if (image.channels == 1) return image.pixels;
  PixelBuffer gray(static_cast<size_t>(image.width) * image.height);
  PillowLumaRow(image.pixels.data(), static_cast<int>(gray.size()), image.channels, gray.data());
  return gray;
}

}  // namespace pix
