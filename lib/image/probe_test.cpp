#include "image/probe.h"

#include <doctest/doctest.h>

#include <string>

#include "image/decode.h"
#include "support/image_synth.h"

namespace pix {
namespace {

std::string Jpeg(int w, int h, int quality) {
  return *testing::EncodeJpeg(testing::SynthesizePhoto(w, h, 7), quality);
}

TEST_CASE("JPEG: size, layout and the quality of its quantisation tables") {
  for (int q : {20, 50, 75, 90, 100}) {
    const ImageInfo info = ProbeImage(Jpeg(120, 80, q));
    CAPTURE(q);
    CHECK(info.kind == FileKind::kJpeg);
    CHECK(info.width == 120);
    CHECK(info.height == 80);
    CHECK(info.channels == 3);
    CHECK(info.color_model == "ycbcr");
    CHECK(info.jpeg_quality == q);
    CHECK(info.jpeg_quality_exact);
    CHECK(info.jpeg_scans == 1);
    CHECK(info.defect == ImageDefect::kNone);
    CHECK(info.trailing_bytes == 0);
  }
}

TEST_CASE("JPEG: truncation, trailing data and appended archives") {
  const std::string jpeg = Jpeg(64, 48, 80);
  CHECK(ProbeImage(jpeg.substr(0, jpeg.size() - 10)).defect == ImageDefect::kTruncated);
  CHECK(ProbeImage(jpeg.substr(0, 100)).defect == ImageDefect::kTruncated);
  const ImageInfo padded = ProbeImage(jpeg + std::string(16, '\0'));
  CHECK(padded.defect == ImageDefect::kNone);
  CHECK(padded.trailing_bytes == 16);
  CHECK(padded.embedded_kind.empty());
  CHECK(ProbeImage(jpeg + "<html><body>x</body></html>").embedded_kind == "html");
  CHECK(ProbeImage(jpeg + std::string("PK\x05\x06", 4) + std::string(18, '\0')).embedded_kind == "zip");
}

TEST_CASE("PNG: header, CRCs and end") {
  const std::string png = *testing::EncodePng(testing::SynthesizePhoto(50, 40, 3));
  ImageInfo info = ProbeImage(png);
  CHECK(info.kind == FileKind::kPng);
  CHECK(info.width == 50);
  CHECK(info.height == 40);
  CHECK(info.bit_depth == 8);
  CHECK(info.lossless);
  CHECK(info.defect == ImageDefect::kNone);
  std::string bad = png;
  bad[8 + 8 + 13] ^= 1;  // a byte of IHDR's CRC
  CHECK(ProbeImage(bad).defect == ImageDefect::kCrcMismatch);
  CHECK(ProbeImage(png.substr(0, png.size() - 12)).defect == ImageDefect::kTruncated);
}

TEST_CASE("WebP: lossy and lossless headers, RIFF size") {
  const auto photo = testing::SynthesizePhoto(90, 60, 5);
  for (int q : {80, 101}) {
    const std::string webp = *testing::EncodeWebp(photo, q);
    const ImageInfo info = ProbeImage(webp);
    CHECK(info.width == 90);
    CHECK(info.height == 60);
    CHECK(info.lossless == (q > 100));
    CHECK(info.defect == ImageDefect::kNone);
    std::string lying = webp;
    lying[4] = static_cast<char>(lying[4] + 100);
    CHECK(ProbeImage(lying).defect == ImageDefect::kTruncated);
  }
}

TEST_CASE("other kinds are named, not decoded") {
  CHECK(ProbeImage("<!DOCTYPE html><html></html>").kind == FileKind::kHtml);
  const ImageInfo gif = ProbeImage(std::string("GIF89a\x20\x00\x10\x00", 10));
  CHECK(gif.kind == FileKind::kGif);
  CHECK(gif.width == 32);
  CHECK(gif.height == 16);
}

TEST_CASE("decoders refuse headers over the pixel budget before allocating") {
  std::string jpeg = Jpeg(64, 48, 80);
  // Patch the SOF0 height/width to 65500 x 65500.
  const size_t sof = jpeg.find("\xFF\xC0");
  REQUIRE(sof != std::string::npos);
  jpeg[sof + 5] = jpeg[sof + 7] = static_cast<char>(0xFF);
  jpeg[sof + 6] = jpeg[sof + 8] = static_cast<char>(0xDC);
  auto decoded = DecodeImage(jpeg, FileKind::kJpeg, DecodeOptions{});
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == StatusCode::kLimitExceeded);
  DecodeOptions small;
  small.max_pixels = 1000;
  auto png = DecodeImage(*testing::EncodePng(testing::SynthesizePhoto(50, 40, 3)), FileKind::kPng, small);
  CHECK(png.status().code() == StatusCode::kLimitExceeded);
}

TEST_CASE("progressive JPEGs with too many scans fail in the decoder too") {
  // SOF2 and 600 DC scans of no data: the probe counts them, and
  // libjpeg-turbo stops at 500 with TJFLAG_LIMITSCANS instead of running on.
  const std::string jpeg = Jpeg(32, 32, 80);
  const size_t sos = jpeg.find("\xFF\xDA");
  std::string head = jpeg.substr(0, sos);
  head[head.find("\xFF\xC0") + 1] = static_cast<char>(0xC2);
  const std::string dc_first("\xFF\xDA\x00\x0C\x03\x01\x00\x02\x11\x03\x11\x00\x00\x00\x00", 15);
  const std::string dc_refine("\xFF\xDA\x00\x0C\x03\x01\x00\x02\x11\x03\x11\x00\x00\x10\x00", 15);
  std::string bomb = head + dc_first;
  for (int i = 0; i < 600; ++i) bomb += dc_refine;
  bomb += "\xFF\xD9";
  CHECK(ProbeImage(bomb).jpeg_scans == 601);
  auto decoded = DecodeImage(bomb, FileKind::kJpeg, DecodeOptions{});
  CHECK_FALSE(decoded.ok());
}

TEST_CASE("DCT scaling decodes JPEGs at the smallest sufficient scale") {
  const std::string jpeg = Jpeg(1600, 1200, 85);
  DecodeOptions o;
  o.min_long_side = 512;
  auto d = DecodeImage(jpeg, FileKind::kJpeg, o);
  REQUIRE(d.ok());
  CHECK(d->scale_denom == 2);
  CHECK(d->width == 800);
  CHECK(d->height == 600);
  o.min_long_side = 64;
  o.gray = true;
  d = DecodeImage(jpeg, FileKind::kJpeg, o);
  REQUIRE(d.ok());
  CHECK(d->scale_denom == 8);
  CHECK(d->channels == 1);
  CHECK(d->width == 200);
}

}  // namespace
}  // namespace pix
