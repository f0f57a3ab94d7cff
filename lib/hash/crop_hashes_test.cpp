#include "hash/crop_hashes.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

#include <doctest/doctest.h>

namespace pix {
namespace {

// A smooth, irregular gray picture: a few sines of different periods.
std::vector<uint8_t> Picture(int w, int h) {
  std::vector<uint8_t> out(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double v = 128 + 50 * std::sin(x * 0.031 + 1) * std::cos(y * 0.023) +
                       40 * std::sin((x + 2 * y) * 0.011) + 30 * std::cos(x * 0.067 - y * 0.043);
      out[static_cast<size_t>(y) * w + x] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
    }
  }
  return out;
}

std::vector<uint8_t> Crop(const std::vector<uint8_t>& in, int w, int x0, int y0, int cw, int ch) {
  std::vector<uint8_t> out(static_cast<size_t>(cw) * ch);
  for (int y = 0; y < ch; ++y) {
    for (int x = 0; x < cw; ++x) out[static_cast<size_t>(y) * cw + x] = in[static_cast<size_t>(y0 + y) * w + x0 + x];
  }
  return out;
}

TEST_CASE("crop hashes: a cropped copy's full-frame hashes are near the window with its frame") {
  const int w = 800, h = 600;
  const auto picture = Picture(w, h);
  const CropHashes windows = CropHashesOfGray(picture.data(), w, h);
  // 10% off the left and the top: window 8 (0.1, 0.1, 0.9, 0.9).
  const auto cropped = Crop(picture, w, 80, 60, 720, 540);
  const ImageHashes full = ImageHashesOfGray(cropped.data(), 720, 540);
  const ImageHashes original = ImageHashesOfGray(picture.data(), w, h);
  const int to_window = std::popcount(full.phash ^ windows[8].phash);
  const int to_original = std::popcount(full.phash ^ original.phash);
  CHECK(to_window <= 6);
  CHECK(to_original > to_window + 4);
  CHECK(std::popcount(full.dhash ^ windows[8].dhash) <= 10);
  // 10% off the right only: window 9 (0, 0, 0.9, 1).
  const auto strip = Crop(picture, w, 0, 0, 720, 600);
  CHECK(std::popcount(ImageHashesOfGray(strip.data(), 720, 600).phash ^ windows[9].phash) <= 6);
}

TEST_CASE("crop hashes: text form round trip and malformed text") {
  const auto picture = Picture(300, 200);
  const CropHashes windows = CropHashesOfGray(picture.data(), 300, 200);
  const std::string text = FormatCropHashes(windows);
  CHECK(text.size() == 448);
  auto back = ParseCropHashes(text);
  REQUIRE(back);
  for (int k = 0; k < kCropWindows; ++k) {
    CHECK((*back)[k].phash == windows[k].phash);
    CHECK((*back)[k].dhash == windows[k].dhash);
  }
  CHECK_FALSE(ParseCropHashes(text.substr(1)));
  CHECK_FALSE(ParseCropHashes(std::string(447, '0') + "g"));
  CHECK_FALSE(ParseCropHashes(""));
}

TEST_CASE("crop hashes: tiny pictures do not crash") {
  const std::vector<uint8_t> one = {7};
  const CropHashes windows = CropHashesOfGray(one.data(), 1, 1);
  CHECK(FormatCropHashes(windows).size() == 448);
  const auto thin = Picture(1, 50);
  CHECK(FormatCropHashes(CropHashesOfGray(thin.data(), 1, 50)).size() == 448);
}

}  // namespace
}  // namespace pix
