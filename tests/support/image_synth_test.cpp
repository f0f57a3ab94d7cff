#include "support/image_synth.h"

#include <doctest/doctest.h>

namespace pix::testing {
namespace {

TEST_CASE("image transforms: sizes, brightness, metadata keeps pixels") {
  const Pixels base = SynthesizePhoto(401, 300, 3);
  CHECK(Resize(base, 0.5).width == 201);
  CHECK(Resize(base, 0.25).height == 75);
  const Pixels cropped = Crop(base, 0.05);
  CHECK(cropped.width == 401 - 2 * 10);
  CHECK(cropped.height == 300 - 2 * 7);
  CHECK(cropped.data[0] == base.data[(7 * 401 + 10) * 3]);
  const Pixels bright = Brighten(base, 1.15);
  long sum = 0, bsum = 0;
  for (size_t i = 0; i < base.data.size(); ++i) {
    sum += base.data[i];
    bsum += bright.data[i];
  }
  CHECK(bsum > sum);
  CHECK(Caption(base, "SAMPLE 2026").data != base.data);

  auto jpeg = EncodeJpeg(base, 85);
  REQUIRE(jpeg.ok());
  auto tagged = AddMetadata(*jpeg, "hello");
  REQUIRE(tagged.ok());
  CHECK(*tagged != *jpeg);
  CHECK(tagged->find("hello") != std::string::npos);
  auto a = DecodeJpeg(*jpeg), b = DecodeJpeg(*tagged);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->data == b->data);
  auto png = EncodePng(base);
  REQUIRE(png.ok());
  auto png_tagged = AddMetadata(*png, "hello");
  REQUIRE(png_tagged.ok());
  CHECK(png_tagged->size() == png->size() + 12 + 8 + 5);

  for (const std::string& v : VariantNames()) {
    std::string format;
    auto bytes = MakeVariant(base, *jpeg, "jpg", v, &format);
    REQUIRE_MESSAGE(bytes.ok(), v);
    CHECK(!bytes->empty());
    CHECK(format == (v == "format" ? "png" : "jpg"));
  }
}

}  // namespace
}  // namespace pix::testing
