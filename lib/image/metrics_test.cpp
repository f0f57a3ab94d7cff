#include "image/metrics.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace pix {
namespace {

// The box filter's definition: output pixel (ox, oy) is the mean of input
// rows [oy*h/H, (oy+1)*h/H) and columns [ox*w/W, (ox+1)*w/W).
double BoxMean(const std::vector<uint8_t>& img, int w, int h, int ch, int out_w, int out_h, int ox,
               int oy, int k, int* area) {
  const int x0 = ox * w / out_w, x1 = (ox + 1) * w / out_w;
  const int y0 = oy * h / out_h, y1 = (oy + 1) * h / out_h;
  double sum = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) sum += img[(static_cast<size_t>(y) * w + x) * ch + k];
  }
  *area = (x1 - x0) * (y1 - y0);
  return sum / *area;
}

TEST_CASE("DownscaleForAnalysis averages boxes for 1, 2 and 3 channels") {
  std::mt19937 rng(5);
  for (int ch : {1, 2, 3}) {
    CAPTURE(ch);
    const int w = 203, h = 97;
    std::vector<uint8_t> img(static_cast<size_t>(w) * h * ch);
    for (auto& v : img) v = static_cast<uint8_t>(rng());
    const OwnedPixels out = DownscaleForAnalysis(PixelView{img.data(), w, h, ch}, 40);
    REQUIRE(out.width == 40);
    REQUIRE(out.height == 97 * 40 / 203);
    REQUIRE(out.channels == ch);
    REQUIRE(out.data.size() == static_cast<size_t>(out.width) * out.height * ch);
    for (int oy = 0; oy < out.height; ++oy) {
      for (int ox = 0; ox < out.width; ++ox) {
        for (int k = 0; k < ch; ++k) {
          const int got = out.data[(static_cast<size_t>(oy) * out.width + ox) * ch + k];
          int area = 0;
          const double mean = BoxMean(img, w, h, ch, out.width, out.height, ox, oy, k, &area);
          const int rounded = static_cast<int>(mean + 0.5);
          // The 16.16 reciprocal of the area is off by at most 1/2 in 65536,
          // so the result may be one off where the mean is that close to a
          // half: within 255 * area / 131072 (0.07 for these boxes).
          if (got != rounded) {
            CHECK(std::abs(got - rounded) == 1);
            CHECK(std::abs(mean - std::floor(mean) - 0.5) <= 255.0 * area / 131072);
          }
        }
      }
    }
  }
}

TEST_CASE("DownscaleForAnalysis copies an image that is small enough") {
  const std::vector<uint8_t> img = {1, 2, 3, 4, 5, 6};
  const OwnedPixels out = DownscaleForAnalysis(PixelView{img.data(), 2, 1, 3}, 512);
  CHECK(out.width == 2);
  CHECK(out.height == 1);
  CHECK(std::equal(out.data.begin(), out.data.end(), img.begin(), img.end()));
}

}  // namespace
}  // namespace pix
