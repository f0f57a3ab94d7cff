#include "hash/crop_hashes.h"

#include <algorithm>
#include <array>
#include <cmath>
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

}  // namespace

CropHashes CropHashesOfGray(const uint8_t* gray, int width, int height) {
  const int factor = std::max(1, std::max(width, height) / kReducedSide);
  const int w = std::max(1, width / factor), h = std::max(1, height / factor);
  std::vector<uint8_t> reduced(static_cast<size_t>(w) * h);
  // Column sums of each band of `factor` rows (vectorised), then the boxes.
  const size_t used = static_cast<size_t>(w) * factor;
  std::vector<uint32_t> columns(used);
  const uint32_t area = static_cast<uint32_t>(factor * factor);
  for (int y = 0; y < h; ++y) {
    std::fill(columns.begin(), columns.end(), 0u);
    for (int dy = 0; dy < factor; ++dy) {
      AddRowSums(gray + static_cast<size_t>(y * factor + dy) * width, used, columns.data());
    }
    for (int x = 0; x < w; ++x) {
      const uint32_t* c = &columns[static_cast<size_t>(x) * factor];
      uint32_t s = 0;
      for (int dx = 0; dx < factor; ++dx) s += c[dx];
      reduced[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>((s + area / 2) / area);
    }
  }
  CropHashes out;
  std::vector<uint8_t> window;
  for (int k = 0; k < kCropWindows; ++k) {
    const CropWindow& f = kCropWindowFrames[k];
    const int x0 = static_cast<int>(std::lround(f.x * w)), y0 = static_cast<int>(std::lround(f.y * h));
    const int x1 = std::max(x0 + 1, static_cast<int>(std::lround((f.x + f.w) * w)));
    const int y1 = std::max(y0 + 1, static_cast<int>(std::lround((f.y + f.h) * h)));
    const int cw = std::min(x1, w) - x0, ch = std::min(y1, h) - y0;
    window.resize(static_cast<size_t>(cw) * ch);
    for (int y = 0; y < ch; ++y) {
      std::copy_n(reduced.data() + static_cast<size_t>(y0 + y) * w + x0, cw,
                  window.data() + static_cast<size_t>(y) * cw);
    }
    out[k] = ImageHashesOfGray(window.data(), cw, ch);
  }
  return out;
}

std::string FormatCropHashes(const CropHashes& hashes) {
  std::string out;
  out.reserve(kCropWindows * 32);
  for (const ImageHashes& h : hashes) out += HashHex(h.phash) + HashHex(h.dhash);
  return out;
}

std::optional<CropHashes> ParseCropHashes(std::string_view text) {
  if (text.size() != kCropWindows * 32) return std::nullopt;
  CropHashes out;
  for (int k = 0; k < kCropWindows; ++k) {
    auto p = Hex64(text.substr(k * 32, 16));
    auto d = Hex64(text.substr(k * 32 + 16, 16));
    if (!p || !d) return std::nullopt;
    out[k] = {*p, *d};
  }
  return out;
}

}  // namespace pix
