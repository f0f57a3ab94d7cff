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
  const CropHashes windows = WindowHashesOfGray(picture.data(), w, h).crops;
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

TEST_CASE("crop and view hashes: text form round trip and malformed text") {
  const auto picture = Picture(300, 200);
  const WindowHashes all = WindowHashesOfGray(picture.data(), 300, 200);
  const CropHashes& windows = all.crops;
  const std::string text = FormatCropHashes(windows);
  CHECK(text.size() == 448);
  auto back = ParseCropHashes(text);
  REQUIRE(back);
  for (int k = 0; k < kCropWindows; ++k) {
    CHECK((*back)[k].phash == windows[k].phash);
    CHECK((*back)[k].dhash == windows[k].dhash);
  }
  const std::string views = FormatViewHashes(all.views);
  REQUIRE(views.size() == 192);
  auto views_back = ParseViewHashes(views);
  REQUIRE(views_back);
  for (int k = 0; k < kViewHashes; ++k) CHECK((*views_back)[k].dhash == all.views[k].dhash);
  CHECK_FALSE(ParseViewHashes(views.substr(0, 191)));
  CHECK_FALSE(ParseViewHashes(text));
  CHECK_FALSE(ParseCropHashes(text.substr(1)));
  CHECK_FALSE(ParseCropHashes(std::string(447, '0') + "g"));
  CHECK_FALSE(ParseCropHashes(""));
}

// The picture turned by `degrees` about its centre (counter-clockwise as
// shown, y down) and cut to its largest centred frame of the same aspect
// ratio, at full resolution: what an editor's straightened turn writes.
std::vector<uint8_t> Turned(const std::vector<uint8_t>& in, int w, int h, double degrees) {
  const double a = degrees * 3.14159265358979 / 180, c = std::cos(a), s = std::sin(a);
  const double enlarge = std::max((w * c + h * std::abs(s)) / w, (w * std::abs(s) + h * c) / h);
  std::vector<uint8_t> out(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const double dx = (x + 0.5 - w / 2.0) / enlarge, dy = (y + 0.5 - h / 2.0) / enlarge;
      const int sx = std::clamp(static_cast<int>(w / 2.0 + dx * c - dy * s), 0, w - 1);
      const int sy = std::clamp(static_cast<int>(h / 2.0 + dx * s + dy * c), 0, h - 1);
      out[static_cast<size_t>(y) * w + x] = in[static_cast<size_t>(sy) * w + sx];
    }
  }
  return out;
}

TEST_CASE("view hashes: a corner mark leaves the opposite corner view as it was") {
  const int w = 800, h = 600;
  const auto picture = Picture(w, h);
  auto marked = picture;
  // A white mark a sixth of the width across, near the top right corner.
  for (int y = 15; y < 80; ++y) {
    for (int x = 650; x < 785; ++x) marked[static_cast<size_t>(y) * w + x] = 255;
  }
  const ViewHashes a = WindowHashesOfGray(picture.data(), w, h).views;
  const ViewHashes b = WindowHashesOfGray(marked.data(), w, h).views;
  CHECK(a[0].phash == b[0].phash);  // the view that leaves out the top right corner
  CHECK(std::popcount(a[0].dhash ^ b[0].dhash) <= 1);
  // The one view that keeps the top right corner sees it.
  CHECK(std::popcount(a[3].phash ^ b[3].phash) + std::popcount(a[3].dhash ^ b[3].dhash) > 0);
}

TEST_CASE("view hashes: a straightened turn of 3 to 5 degrees is near the view turned by 4") {
  const int w = 800, h = 600;
  const auto picture = Picture(w, h);
  const ViewHashes views = WindowHashesOfGray(picture.data(), w, h).views;
  const ImageHashes original = ImageHashesOfGray(picture.data(), w, h);
  for (double degrees : {5.0, -5.0, 3.0, -3.0}) {
    CAPTURE(degrees);
    const auto turned = Turned(picture, w, h, degrees);
    const ImageHashes copy = ImageHashesOfGray(turned.data(), w, h);
    const ImageHashes& view = views[kCornerViews + (degrees > 0 ? 0 : 1)];
    const int to_view = std::popcount(copy.phash ^ view.phash);
    // Within the window search's radius (10), where the full frame is far
    // (22 to 34 bits on this picture).
    CHECK(to_view <= 8);
    CHECK(std::popcount(copy.phash ^ original.phash) >= to_view + 12);
    CHECK(std::popcount(copy.dhash ^ view.dhash) <= 10);
  }
}

TEST_CASE("crop hashes: tiny pictures do not crash") {
  const std::vector<uint8_t> one = {7};
  const WindowHashes windows = WindowHashesOfGray(one.data(), 1, 1);
  CHECK(FormatCropHashes(windows.crops).size() == 448);
  CHECK(FormatViewHashes(windows.views).size() == 192);
  const auto thin = Picture(1, 50);
  CHECK(FormatCropHashes(WindowHashesOfGray(thin.data(), 1, 50).crops).size() == 448);
  CHECK(FormatViewHashes(WindowHashesOfGray(thin.data(), 50, 1).views).size() == 192);
}

}  // namespace
}  // namespace pix
