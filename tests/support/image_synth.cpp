#include "support/image_synth.h"

#include <png.h>
#include <webp/encode.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "image/transform.h"

namespace pix::testing {
namespace {

// SplitMix64: small, fast and good enough for test pictures.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Range(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

 private:
  uint64_t s_;
};

uint8_t Clamp(double v) { return static_cast<uint8_t>(std::clamp(v, 0.0, 255.0) + 0.5); }

}  // namespace

Pixels SynthesizePhoto(int width, int height, uint64_t seed) {
  Rng rng(seed * 0x2545F4914F6CDD1Dull + 1);
  Pixels p;
  p.width = width;
  p.height = height;
  p.channels = 3;
  p.data.resize(static_cast<size_t>(width) * height * 3);
  std::vector<double> img(p.data.size());

  // Background: a gradient between two colours plus low-frequency waves.
  double c0[3], c1[3];
  for (int k = 0; k < 3; ++k) {
    c0[k] = rng.Range(20, 235);
    c1[k] = rng.Range(20, 235);
  }
  const double angle = rng.Range(0, M_PI);
  const double fx = rng.Range(1, 4), fy = rng.Range(1, 4), phase = rng.Range(0, 2 * M_PI);
  const double ca = std::cos(angle), sa = std::sin(angle);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const double u = x / double(width), v = y / double(height);
      const double t = std::clamp(0.5 + (u - 0.5) * ca + (v - 0.5) * sa, 0.0, 1.0);
      const double wave = 18 * std::sin(2 * M_PI * (fx * u + fy * v) + phase);
      for (int k = 0; k < 3; ++k) {
        img[(size_t(y) * width + x) * 3 + k] = c0[k] + (c1[k] - c0[k]) * t + wave;
      }
    }
  }
  // Soft-edged ellipses: the "objects" that make each picture distinct.
  const int shapes = 6 + static_cast<int>(rng.Next() % 12);
  for (int s = 0; s < shapes; ++s) {
    const double cx = rng.Range(0, width), cy = rng.Range(0, height);
    const double rx = rng.Range(0.05, 0.35) * width, ry = rng.Range(0.05, 0.35) * height;
    const double col[3] = {rng.Range(0, 255), rng.Range(0, 255), rng.Range(0, 255)};
    const double alpha = rng.Range(0.5, 0.95);
    const int x0 = std::max(0, int(cx - rx - 2)), x1 = std::min(width, int(cx + rx + 2));
    const int y0 = std::max(0, int(cy - ry - 2)), y1 = std::min(height, int(cy + ry + 2));
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        const double dx = (x - cx) / rx, dy = (y - cy) / ry;
        const double d = std::sqrt(dx * dx + dy * dy);
        const double a = alpha * std::clamp((1.0 - d) * 8.0, 0.0, 1.0);
        if (a <= 0) continue;
        double* px = &img[(size_t(y) * width + x) * 3];
        for (int k = 0; k < 3; ++k) px[k] = px[k] * (1 - a) + col[k] * a;
      }
    }
  }
  // Sensor-like noise, so that files have realistic sizes when compressed.
  const double noise = rng.Range(2, 10);
  for (size_t i = 0; i < img.size(); ++i) {
    p.data[i] = Clamp(img[i] + noise * (rng.Uniform() + rng.Uniform() - 1.0));
  }
  return p;
}

Result<std::string> EncodeJpeg(const Pixels& p, int quality) {
  return pix::EncodeJpeg(PixelView{p.data.data(), p.width, p.height, p.channels}, quality,
                         /*accurate_dct=*/true);
}

Result<std::string> EncodePng(const Pixels& p) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(p.width);
  image.height = static_cast<png_uint_32>(p.height);
  image.format = p.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, p.data.data(), 0, nullptr)) {
    return Status::Internal(std::string("PNG encode: ") + image.message);
  }
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, p.data.data(), 0, nullptr)) {
    return Status::Internal(std::string("PNG encode: ") + image.message);
  }
  out.resize(size);
  return out;
}

Result<std::string> EncodeWebp(const Pixels& p, int quality) {
  if (p.channels != 3) return Status::Unsupported("WebP encoder takes RGB only");
  uint8_t* buf = nullptr;
  size_t size = quality > 100
                    ? WebPEncodeLosslessRGB(p.data.data(), p.width, p.height, p.width * 3, &buf)
                    : WebPEncodeRGB(p.data.data(), p.width, p.height, p.width * 3, quality, &buf);
  if (size == 0) return Status::Internal("WebP encode failed");
  std::string out(reinterpret_cast<char*>(buf), size);
  WebPFree(buf);
  return out;
}

Result<std::string> Encode(const Pixels& p, const std::string& format, int quality) {
  if (format == "jpg" || format == "jpeg") return EncodeJpeg(p, quality);
  if (format == "png") return EncodePng(p);
  if (format == "webp") return EncodeWebp(p, quality);
  return Status::InvalidArgument("unknown image format '" + format + "' (jpg, png, webp)");
}

}  // namespace pix::testing
