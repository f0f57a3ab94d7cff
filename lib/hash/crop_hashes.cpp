#include "hash/crop_hashes.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "image/metrics.h"
#include "image/pillow_compat.h"

namespace pix {
namespace {

// Long side of the reduced picture the windows are cut from: at least this,
// below twice this (whole-pixel box averaging).
constexpr int kReducedSide = 128;

// The value of each hex digit, 0xFF for any other byte.
constexpr std::array<uint8_t, 256> kHexDigit = [] {
  std::array<uint8_t, 256> t{};
  t.fill(0xFF);
  for (int c = 0; c < 10; ++c) t['0' + c] = static_cast<uint8_t>(c);
  for (int c = 0; c < 6; ++c) {
    t['a' + c] = static_cast<uint8_t>(10 + c);
    t['A' + c] = static_cast<uint8_t>(10 + c);
  }
  return t;
}();

// Without a branch per digit: pix-dedup reads 28 of these a record, and the
// branchy loop was a sixth of a million-record run with the window search.
std::optional<uint64_t> Hex64(std::string_view hex) {
  if (hex.size() != 16) return std::nullopt;
  uint64_t v = 0;
  uint8_t seen = 0;
  for (char c : hex) {
    const uint8_t d = kHexDigit[static_cast<uint8_t>(c)];
    seen |= d;
    v = v << 4 | (d & 0xF);
  }
  if (seen & 0xF0) return std::nullopt;
  return v;
}

// The picture reduced by whole-pixel box averaging to a long side of
// kReducedSide to twice that.
struct Reduced {
  std::vector<uint8_t> pixels;
  int w = 0, h = 0;
};

Reduced Reduce(const uint8_t* gray, int width, int height) {
  const int factor = std::max(1, std::max(width, height) / kReducedSide);
  Reduced r;
  r.w = std::max(1, width / factor);
  r.h = std::max(1, height / factor);
  r.pixels.resize(static_cast<size_t>(r.w) * r.h);
  // Column sums of each band of `factor` rows (vectorised), then the boxes.
  const size_t used = static_cast<size_t>(r.w) * factor;
  std::vector<uint32_t> columns(used);
  const uint32_t area = static_cast<uint32_t>(factor * factor);
  for (int y = 0; y < r.h; ++y) {
    std::fill(columns.begin(), columns.end(), 0u);
    for (int dy = 0; dy < factor; ++dy) {
      AddRowSums(gray + static_cast<size_t>(y * factor + dy) * width, used, columns.data());
    }
    for (int x = 0; x < r.w; ++x) {
      const uint32_t* c = &columns[static_cast<size_t>(x) * factor];
      uint32_t s = 0;
      for (int dx = 0; dx < factor; ++dx) s += c[dx];
      r.pixels[static_cast<size_t>(y) * r.w + x] = static_cast<uint8_t>((s + area / 2) / area);
    }
  }
  return r;
}

// Hashes the window `f` of the reduced picture (`buf` is scratch).
void CutWindow(const Reduced& r, const CropWindow& f, std::vector<uint8_t>* buf, ImageHashes* out) {
  const int x0 = static_cast<int>(std::lround(f.x * r.w));
  const int y0 = static_cast<int>(std::lround(f.y * r.h));
  const int x1 = std::max(x0 + 1, static_cast<int>(std::lround((f.x + f.w) * r.w)));
  const int y1 = std::max(y0 + 1, static_cast<int>(std::lround((f.y + f.h) * r.h)));
  const int cw = std::min(x1, r.w) - x0, ch = std::min(y1, r.h) - y0;
  buf->resize(static_cast<size_t>(cw) * ch);
  for (int y = 0; y < ch; ++y) {
    std::copy_n(r.pixels.data() + static_cast<size_t>(y0 + y) * r.w + x0, cw,
                buf->data() + static_cast<size_t>(y) * cw);
  }
  *out = ImageHashesOfGray(buf->data(), cw, ch);
}

// The reduced picture turned by `degrees` about its centre and cut to the
// largest centred frame of its own aspect ratio that the turned picture
// covers: the straightening a photo editor applies, so the frame's size is
// the picture's divided by max((w cos a + h sin a) / w, (w sin a + h cos a) / h).
// Bilinear sampling at pixel centres.
void TurnedView(const Reduced& r, double degrees, std::vector<uint8_t>* out, int* vw, int* vh) {
  const double a = degrees * std::numbers::pi / 180;
  const double c = std::cos(a), s = std::sin(a);
  const double w = r.w, h = r.h;
  const double enlarge = std::max((w * std::abs(c) + h * std::abs(s)) / w,
                                  (w * std::abs(s) + h * std::abs(c)) / h);
  *vw = std::max(1, static_cast<int>(std::lround(w / enlarge)));
  *vh = std::max(1, static_cast<int>(std::lround(h / enlarge)));
  out->resize(static_cast<size_t>(*vw) * *vh);
  if (r.w < 2 || r.h < 2) {  // a line of pixels: nothing to turn
    for (int j = 0; j < *vh; ++j) {
      for (int i = 0; i < *vw; ++i) {
        (*out)[static_cast<size_t>(j) * *vw + i] =
            r.pixels[static_cast<size_t>(std::min(j, r.h - 1)) * r.w + std::min(i, r.w - 1)];
      }
    }
    return;
  }
  // The source point of output pixel (i, j), in source pixel-centre
  // coordinates, moves by (c, s) per step along a row (y grows downwards, so
  // a counter-clockwise turn of the picture samples it along a clockwise
  // one). Coordinates are fixed point with 16 fraction bits, so the inner
  // loop is integer arithmetic. The frame lies inside the turned picture, so
  // the clamps only catch rounding at its edges.
  constexpr int kFraction = 16;
  constexpr double kOne = 1 << kFraction;
  const int64_t max_x = (static_cast<int64_t>(r.w - 1) << kFraction) - 1;
  const int64_t max_y = (static_cast<int64_t>(r.h - 1) << kFraction) - 1;
  const int64_t step_x = std::llround(c * kOne), step_y = std::llround(s * kOne);
  const uint8_t* p = r.pixels.data();
  for (int j = 0; j < *vh; ++j) {
    const double dy = j + 0.5 - *vh / 2.0, dx = 0.5 - *vw / 2.0;
    int64_t sx = std::llround((w / 2 + dx * c - dy * s - 0.5) * kOne);
    int64_t sy = std::llround((h / 2 + dx * s + dy * c - 0.5) * kOne);
    uint8_t* row = out->data() + static_cast<size_t>(j) * *vw;
    for (int i = 0; i < *vw; ++i, sx += step_x, sy += step_y) {
      const int64_t x = std::clamp<int64_t>(sx, 0, max_x), y = std::clamp<int64_t>(sy, 0, max_y);
      const int64_t fx = x & ((1 << kFraction) - 1), fy = y & ((1 << kFraction) - 1);
      const uint8_t* q = p + static_cast<size_t>(y >> kFraction) * r.w + (x >> kFraction);
      const int64_t top = (q[0] << kFraction) + (q[1] - q[0]) * fx;
      const int64_t bottom = (q[r.w] << kFraction) + (q[r.w + 1] - q[r.w]) * fx;
      const int64_t v = (top << kFraction) + (bottom - top) * fy;
      row[i] = static_cast<uint8_t>((v + (int64_t{1} << (2 * kFraction - 1))) >> (2 * kFraction));
    }
  }
}

}  // namespace

WindowHashes WindowHashesOfGray(const uint8_t* gray, int width, int height) {
  const Reduced r = Reduce(gray, width, height);
  WindowHashes out;
  std::vector<uint8_t> view;
  for (int k = 0; k < kCropWindows; ++k) {
    CutWindow(r, kCropWindowFrames[k], &view, &out.crops[k]);
  }
  for (int k = 0; k < kCornerViews; ++k) {
    CutWindow(r, kCornerViewFrames[k], &view, &out.views[k]);
  }
  for (size_t t = 0; t < kTurnedViewDegrees.size(); ++t) {
    int vw = 0, vh = 0;
    TurnedView(r, kTurnedViewDegrees[t], &view, &vw, &vh);
    out.views[kCornerViews + t] = ImageHashesOfGray(view.data(), vw, vh);
  }
  return out;
}

namespace {

template <size_t N>
std::string FormatHashes(const std::array<ImageHashes, N>& hashes) {
  std::string out;
  out.reserve(N * 32);
  for (const ImageHashes& h : hashes) out += HashHex(h.phash) + HashHex(h.dhash);
  return out;
}

template <size_t N>
std::optional<std::array<ImageHashes, N>> ParseHashes(std::string_view text) {
  if (text.size() != N * 32) return std::nullopt;
  std::array<ImageHashes, N> out;
  for (size_t k = 0; k < N; ++k) {
    auto p = Hex64(text.substr(k * 32, 16));
    auto d = Hex64(text.substr(k * 32 + 16, 16));
    if (!p || !d) return std::nullopt;
    out[k] = {*p, *d};
  }
  return out;
}

}  // namespace

std::string FormatCropHashes(const CropHashes& hashes) { return FormatHashes(hashes); }
std::optional<CropHashes> ParseCropHashes(std::string_view text) {
  return ParseHashes<kCropWindows>(text);
}
std::string FormatViewHashes(const ViewHashes& hashes) { return FormatHashes(hashes); }
std::optional<ViewHashes> ParseViewHashes(std::string_view text) {
  return ParseHashes<kViewHashes>(text);
}

}  // namespace pix
