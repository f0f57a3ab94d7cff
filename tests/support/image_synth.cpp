#include "support/image_synth.h"

#include <turbojpeg.h>
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
  // Ellipses with crisp, anti-aliased edges (about one pixel wide, as an
  // object's outline in a focused photo): the "objects" that make each
  // picture distinct, and the edges that give it a photo's sharpness.
  const int shapes = 6 + static_cast<int>(rng.Next() % 12);
  for (int s = 0; s < shapes; ++s) {
    const double cx = rng.Range(0, width), cy = rng.Range(0, height);
    const double rx = rng.Range(0.05, 0.35) * width, ry = rng.Range(0.05, 0.35) * height;
    const double col[3] = {rng.Range(0, 255), rng.Range(0, 255), rng.Range(0, 255)};
    const double alpha = rng.Range(0.5, 0.95);
    const double edge = std::max(1.0, std::min(rx, ry));
    // Half of the objects carry a fine stripe texture (fur, fabric, bark):
    // a period of 3 to 8 pixels at a random angle.
    const bool textured = rng.Uniform() < 0.5;
    const double period = rng.Range(3, 8), tex_angle = rng.Range(0, M_PI);
    const double tx = std::cos(tex_angle) / period, ty = std::sin(tex_angle) / period;
    const int x0 = std::max(0, int(cx - rx - 2)), x1 = std::min(width, int(cx + rx + 2));
    const int y0 = std::max(0, int(cy - ry - 2)), y1 = std::min(height, int(cy + ry + 2));
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        const double dx = (x - cx) / rx, dy = (y - cy) / ry;
        const double d = std::sqrt(dx * dx + dy * dy);
        const double a = alpha * std::clamp((1.0 - d) * edge, 0.0, 1.0);
        if (a <= 0) continue;
        double* px = &img[(size_t(y) * width + x) * 3];
        const double shade = textured ? 1.0 + 0.2 * std::sin(2 * M_PI * (x * tx + y * ty)) : 1.0;
        for (int k = 0; k < 3; ++k) px[k] = px[k] * (1 - a) + col[k] * shade * a;
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
  return pix::EncodePng(PixelView{p.data.data(), p.width, p.height, p.channels});
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

namespace pix::testing {
namespace {

// 5x7 glyphs, one byte per row, bit 4 = leftmost column.
struct Glyph {
  char c;
  uint8_t rows[7];
};
constexpr Glyph kFont[] = {
    {'0', {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}},
    {'1', {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}},
    {'2', {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}},
    {'3', {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}},
    {'4', {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}},
    {'5', {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}},
    {'6', {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}},
    {'7', {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}},
    {'9', {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}},
    {'A', {0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'C', {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}},
    {'E', {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}},
    {'H', {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}},
    {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}},
    {'M', {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}},
    {'O', {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}},
    {'P', {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}},
    {'S', {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}},
    {'T', {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
    {'X', {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}},
    {'Y', {0x11, 0x11, 0x0A, 0x04, 0x04, 0x04, 0x04}},
};

const Glyph* FindGlyph(char c) {
  for (const Glyph& g : kFont) {
    if (g.c == c) return &g;
  }
  return nullptr;
}

uint32_t Crc32(const std::string& bytes, size_t begin, size_t end) {
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = begin; i < end; ++i) {
    crc ^= static_cast<uint8_t>(bytes[i]);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

void PutBigEndian32(std::string* out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out->push_back(static_cast<char>((v >> s) & 0xFF));
}

}  // namespace

Result<Pixels> DecodeJpeg(std::string_view bytes) {
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitDecompress(), tjDestroy);
  if (!tj) return Status::Internal("tjInitDecompress failed");
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  if (tjDecompressHeader3(tj.get(), data, bytes.size(), &w, &h, &subsamp, &colorspace) != 0) {
    return Status::Corruption(std::string("JPEG header: ") + tjGetErrorStr2(tj.get()));
  }
  Pixels p;
  p.width = w;
  p.height = h;
  p.channels = 3;
  p.data.resize(static_cast<size_t>(w) * h * 3);
  if (tjDecompress2(tj.get(), data, bytes.size(), p.data.data(), w, 0, h, TJPF_RGB,
                    TJFLAG_ACCURATEDCT) != 0) {
    return Status::Corruption(std::string("JPEG decode: ") + tjGetErrorStr2(tj.get()));
  }
  return p;
}

Pixels Resize(const Pixels& src, double scale) {
  Pixels out;
  out.width = std::max(1, static_cast<int>(std::lround(src.width * scale)));
  out.height = std::max(1, static_cast<int>(std::lround(src.height * scale)));
  out.channels = src.channels;
  out.data.resize(static_cast<size_t>(out.width) * out.height * out.channels);
  for (int y = 0; y < out.height; ++y) {
    const int y0 = y * src.height / out.height,
              y1 = std::max(y0 + 1, (y + 1) * src.height / out.height);
    for (int x = 0; x < out.width; ++x) {
      const int x0 = x * src.width / out.width,
                x1 = std::max(x0 + 1, (x + 1) * src.width / out.width);
      for (int c = 0; c < src.channels; ++c) {
        double sum = 0;
        for (int yy = y0; yy < y1; ++yy) {
          for (int xx = x0; xx < x1; ++xx) {
            sum += src.data[(static_cast<size_t>(yy) * src.width + xx) * src.channels + c];
          }
        }
        out.data[(static_cast<size_t>(y) * out.width + x) * out.channels + c] =
            Clamp(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  return out;
}

Pixels Crop(const Pixels& src, double fraction) {
  const int dx = static_cast<int>(src.width * fraction / 2),
            dy = static_cast<int>(src.height * fraction / 2);
  Pixels out;
  out.width = src.width - 2 * dx;
  out.height = src.height - 2 * dy;
  out.channels = src.channels;
  out.data.resize(static_cast<size_t>(out.width) * out.height * out.channels);
  for (int y = 0; y < out.height; ++y) {
    const uint8_t* row = &src.data[(static_cast<size_t>(y + dy) * src.width + dx) * src.channels];
    std::copy(row, row + static_cast<size_t>(out.width) * out.channels,
              &out.data[static_cast<size_t>(y) * out.width * out.channels]);
  }
  return out;
}

Pixels Brighten(const Pixels& src, double factor) {
  Pixels out = src;
  for (uint8_t& v : out.data) v = Clamp(v * factor);
  return out;
}

Pixels Caption(const Pixels& src, std::string_view text) {
  Pixels out = src;
  const int scale = std::max(1, src.height * 6 / 100 / 7);
  const int left = std::max(2, src.width / 30),
            top = src.height - 9 * scale - std::max(2, src.height / 30);
  const auto put = [&](int x, int y, uint8_t v) {
    if (x < 0 || y < 0 || x >= out.width || y >= out.height) return;
    uint8_t* px = &out.data[(static_cast<size_t>(y) * out.width + x) * out.channels];
    for (int c = 0; c < out.channels; ++c) px[c] = v;
  };
  // Outline first (each lit cell grown by one unit, dark), then the glyphs.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < text.size(); ++i) {
      const Glyph* g = FindGlyph(text[i]);
      if (!g) continue;
      for (int r = 0; r < 7; ++r) {
        for (int col = 0; col < 5; ++col) {
          if (!(g->rows[r] >> (4 - col) & 1)) continue;
          const int x0 = left + (static_cast<int>(i) * 6 + col) * scale, y0 = top + r * scale;
          const int grow = pass == 0 ? scale : 0;
          for (int y = y0 - grow; y < y0 + scale + grow; ++y) {
            for (int x = x0 - grow; x < x0 + scale + grow; ++x) put(x, y, pass == 0 ? 20 : 245);
          }
        }
      }
    }
  }
  return out;
}

Result<std::string> AddMetadata(std::string_view encoded, std::string_view text) {
  std::string in(encoded);
  if (in.size() > 2 && static_cast<uint8_t>(in[0]) == 0xFF && static_cast<uint8_t>(in[1]) == 0xD8) {
    std::string seg = "\xFF\xFE";
    const size_t len = text.size() + 2;
    seg.push_back(static_cast<char>(len >> 8));
    seg.push_back(static_cast<char>(len & 0xFF));
    seg += text;
    // After a JFIF APP0 segment, which readers expect to come first.
    size_t at = 2;
    if (in.size() > 6 && static_cast<uint8_t>(in[2]) == 0xFF &&
        static_cast<uint8_t>(in[3]) == 0xE0) {
      at = 4 + (static_cast<uint8_t>(in[4]) << 8 | static_cast<uint8_t>(in[5]));
    }
    return in.substr(0, at) + seg + in.substr(at);
  }
  const size_t iend = in.rfind("IEND");
  if (in.compare(1, 3, "PNG") == 0 && iend != std::string::npos && iend >= 4) {
    std::string type_and_data = "tEXtComment";
    type_and_data.push_back('\0');
    type_and_data += text;
    std::string chunk;
    PutBigEndian32(&chunk, static_cast<uint32_t>(type_and_data.size() - 4));
    chunk += type_and_data;
    PutBigEndian32(&chunk, Crc32(type_and_data, 0, type_and_data.size()));
    return in.substr(0, iend - 4) + chunk + in.substr(iend - 4);
  }
  return Status::Unsupported("AddMetadata: neither JPEG nor PNG");
}

const std::vector<std::string>& VariantNames() {
  static const std::vector<std::string> names = {
      "copy", "meta", "resize50", "resize25", "jpeg40", "crop5", "bright15", "format", "text"};
  return names;
}

Result<std::string> MakeVariant(const Pixels& base, const std::string& base_bytes,
                                const std::string& base_format, const std::string& variant,
                                std::string* format) {
  const bool jpeg = base_format == "jpg" || base_format == "jpeg";
  *format = jpeg ? "jpg" : "png";
  const auto same_format = [&](const Pixels& p) { return Encode(p, *format, 85); };
  if (variant == "copy") return base_bytes;
  if (variant == "meta") return AddMetadata(base_bytes, "Copyright example; edited");
  if (variant == "resize50") return same_format(Resize(base, 0.5));
  if (variant == "resize25") return same_format(Resize(base, 0.25));
  if (variant == "crop5") return same_format(Crop(base, 0.05));
  if (variant == "bright15") return same_format(Brighten(base, 1.15));
  if (variant == "text") return same_format(Caption(base, "SAMPLE 2026"));
  if (variant == "jpeg40") {
    *format = "jpg";
    if (!jpeg) return EncodeJpeg(base, 40);
    PIX_ASSIGN_OR_RETURN(Pixels decoded, DecodeJpeg(base_bytes));
    return EncodeJpeg(decoded, 40);
  }
  if (variant == "format") {
    if (!jpeg) {
      *format = "jpg";
      return EncodeJpeg(base, 90);
    }
    *format = "png";
    PIX_ASSIGN_OR_RETURN(Pixels decoded, DecodeJpeg(base_bytes));
    return EncodePng(decoded);
  }
  return Status::InvalidArgument("unknown variant '" + variant + "'");
}

}  // namespace pix::testing
