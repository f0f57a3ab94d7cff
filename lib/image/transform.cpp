#include "image/transform.h"

#include <png.h>
#include <turbojpeg.h>

#include <memory>

namespace pix {

OwnedPixels ApplyOrientation(const PixelView& in, int orientation) {
  const bool swap = orientation >= 5 && orientation <= 8;
  OwnedPixels out;
  out.width = swap ? in.height : in.width;
  out.height = swap ? in.width : in.height;
  out.channels = in.channels;
  const int ch = in.channels, w = in.width, h = in.height;
  out.data.resize(static_cast<size_t>(w) * h * ch);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      // Where source pixel (x, y) lands in the displayed picture.
      int dx = x, dy = y;
      switch (orientation) {
        case 2: dx = w - 1 - x; break;                      // mirror horizontally
        case 3: dx = w - 1 - x; dy = h - 1 - y; break;      // rotate 180
        case 4: dy = h - 1 - y; break;                      // mirror vertically
        case 5: dx = y; dy = x; break;                      // transpose
        case 6: dx = h - 1 - y; dy = x; break;              // rotate 90 clockwise
        case 7: dx = h - 1 - y; dy = w - 1 - x; break;      // transverse
        case 8: dx = y; dy = w - 1 - x; break;              // rotate 90 counter-clockwise
        default: break;
      }
      const uint8_t* src = in.data + (static_cast<size_t>(y) * w + x) * ch;
      uint8_t* dst = &out.data[(static_cast<size_t>(dy) * out.width + dx) * ch];
      for (int k = 0; k < ch; ++k) dst[k] = src[k];
    }
  }
  return out;
}

Result<std::string> EncodeJpeg(const PixelView& in, int quality, bool accurate_dct) {
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
  if (!tj) return Status::Internal("tjInitCompress failed");
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  const bool gray = in.channels == 1;
  if (tjCompress2(tj.get(), in.data, in.width, 0, in.height, gray ? TJPF_GRAY : TJPF_RGB, &buf, &size,
                  gray ? TJSAMP_GRAY : TJSAMP_420, quality, accurate_dct ? TJFLAG_ACCURATEDCT : 0) != 0) {
    return Status::Internal(std::string("JPEG encode: ") + tjGetErrorStr2(tj.get()));
  }
  std::string out(reinterpret_cast<char*>(buf), size);
  tjFree(buf);
  return out;
}

Result<std::string> EncodePng(const PixelView& p) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(p.width);
  image.height = static_cast<png_uint_32>(p.height);
  image.format = p.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, p.data, 0, nullptr)) {
    return Status::Internal(std::string("PNG encode: ") + image.message);
  }
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, p.data, 0, nullptr)) {
    return Status::Internal(std::string("PNG encode: ") + image.message);
  }
  out.resize(size);
  return out;
}

}  // namespace pix
