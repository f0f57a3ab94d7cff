#include "image/transform.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "image/decode.h"
#include "image/sniff.h"

namespace pix {
namespace {

TEST_CASE("EncodePng writes RGB and gray pixels that decode to the same values") {
  for (int channels : {3, 1}) {
    CAPTURE(channels);
    const int width = 5, height = 3;
    std::vector<uint8_t> pixels(static_cast<size_t>(width * height * channels));
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 37 + 11);
    auto png = EncodePng(PixelView{pixels.data(), width, height, channels});
    REQUIRE(png.ok());
    REQUIRE(SniffKind(*png) == FileKind::kPng);
    auto decoded = DecodeImage(*png, FileKind::kPng, DecodeOptions{});
    REQUIRE(decoded.ok());
    CHECK(decoded->width == width);
    CHECK(decoded->height == height);
    REQUIRE(decoded->channels == channels);
    CHECK(std::vector<uint8_t>(decoded->pixels.data(), decoded->pixels.data() + pixels.size()) ==
          pixels);
  }
}

}  // namespace
}  // namespace pix
