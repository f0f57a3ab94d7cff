#include "pack/normalize.h"

#include <doctest/doctest.h>

#include <cmath>

#include "image/decode.h"
#include "image/sniff.h"
#include "image/transform.h"

namespace pix {
namespace {

// A 3-channel gradient, w x h.
OwnedPixels Gradient(int w, int h) {
  OwnedPixels p;
  p.width = w;
  p.height = h;
  p.channels = 3;
  p.data.resize(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* px = &p.data[(static_cast<size_t>(y) * w + x) * 3];
      px[0] = static_cast<uint8_t>(x * 255 / (w - 1));
      px[1] = static_cast<uint8_t>(y * 255 / (h - 1));
      px[2] = 128;
    }
  }
  return p;
}

TEST_CASE("ParseNormalizeOptions reads sizes, modes and formats") {
  auto o = ParseNormalizeOptions("256", "", "", 90);
  REQUIRE(o.ok());
  CHECK(o->mode == ResizeMode::kShorter);
  CHECK(o->width == 256);
  o = ParseNormalizeOptions("320x240", "", "webp", 80);
  REQUIRE(o.ok());
  CHECK(o->mode == ResizeMode::kCrop);
  CHECK(o->height == 240);
  CHECK(o->format == "webp");
  CHECK(!ParseNormalizeOptions("", "", "", 90)->active());
  for (auto [size, mode, format] : {std::tuple{"0", "", ""},
                                    {"12x", "", ""},
                                    {"axb", "", ""},
                                    {"10x10", "shorter", ""},
                                    {"", "pad", ""},
                                    {"10", "sideways", ""},
                                    {"", "", "gif"}}) {
    CAPTURE(size);
    CHECK(ParseNormalizeOptions(size, mode, format, 90).status().code() ==
          StatusCode::kInvalidArgument);
  }
}

TEST_CASE("ResizedSize follows img2dataset's modes") {
  NormalizeOptions o;
  int w = 0, h = 0;
  o.mode = ResizeMode::kShorter;
  o.width = o.height = 100;
  ResizedSize(o, 400, 200, &w, &h);
  CHECK((w == 200 && h == 100));
  o.mode = ResizeMode::kLonger;
  ResizedSize(o, 400, 200, &w, &h);
  CHECK((w == 100 && h == 50));
  o.mode = ResizeMode::kCrop;
  o.width = 100;
  o.height = 50;
  ResizedSize(o, 300, 300, &w, &h);
  CHECK((w == 100 && h == 100));
  o.mode = ResizeMode::kPad;
  ResizedSize(o, 300, 300, &w, &h);
  CHECK((w == 50 && h == 50));
}

TEST_CASE("NormalizeImage resizes, crops, pads and re-encodes without metadata") {
  OwnedPixels g = Gradient(400, 200);
  auto jpeg = EncodeJpeg(g.view(), 95);
  REQUIRE(jpeg.ok());
  auto o = ParseNormalizeOptions("100", "shorter", "png", 90);
  REQUIRE(o.ok());
  auto out = NormalizeImage(*jpeg, *o);
  REQUIRE(out.ok());
  CHECK(out->format == "png");
  CHECK((out->width == 200 && out->height == 100));
  CHECK(SniffKind(out->bytes) == FileKind::kPng);
  // The downscaled gradient is still the gradient (error a few levels).
  auto back = DecodeImage(out->bytes, FileKind::kPng, {});
  REQUIRE(back.ok());
  const uint8_t* mid = &back->pixels[(50 * 200 + 100) * 3];
  CHECK(std::abs(mid[0] - 128) < 6);
  CHECK(std::abs(mid[1] - 128) < 6);

  o = ParseNormalizeOptions("64x64", "pad", "jpeg", 90);
  out = NormalizeImage(*jpeg, *o);
  REQUIRE(out.ok());
  CHECK((out->width == 64 && out->height == 64));
  back = DecodeImage(out->bytes, FileKind::kJpeg, {});
  REQUIRE(back.ok());
  CHECK(back->pixels[0] > 240);  // the white border above the 64x32 picture

  o = ParseNormalizeOptions("64x64", "crop", "webp", 90);
  out = NormalizeImage(*jpeg, *o);
  REQUIRE(out.ok());
  CHECK(SniffKind(out->bytes) == FileKind::kWebp);
  CHECK((out->width == 64 && out->height == 64));
  CHECK(NormalizeImage("GIF89a....", *o).status().code() == StatusCode::kUnsupported);
}

}  // namespace
}  // namespace pix
