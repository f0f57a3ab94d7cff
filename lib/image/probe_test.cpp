#include "image/probe.h"

#include <doctest/doctest.h>

#include <zlib.h>

#include <string>
#include <utility>
#include <vector>

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
}

// A stored ZIP archive of one file, as a ZIP writer lays it out.
std::string MinimalZip(std::string_view name, std::string_view data) {
  auto le = [](std::string* out, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
  };
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
  const uint32_t n = static_cast<uint32_t>(data.size()), name_len = static_cast<uint32_t>(name.size());
  std::string zip("PK\x03\x04", 4);
  for (uint32_t v : {20u, 0u, 0u, 0u, 0u}) le(&zip, v, 2);
  le(&zip, crc, 4), le(&zip, n, 4), le(&zip, n, 4), le(&zip, name_len, 2), le(&zip, 0, 2);
  zip += std::string(name) + std::string(data);
  const uint32_t cd_offset = static_cast<uint32_t>(zip.size());
  zip += std::string("PK\x01\x02", 4);
  for (uint32_t v : {20u, 20u, 0u, 0u, 0u, 0u}) le(&zip, v, 2);
  le(&zip, crc, 4), le(&zip, n, 4), le(&zip, n, 4), le(&zip, name_len, 2);
  for (int i = 0; i < 4; ++i) le(&zip, 0, 2);
  le(&zip, 0, 4), le(&zip, 0, 4);
  zip += std::string(name);
  const uint32_t cd_size = static_cast<uint32_t>(zip.size()) - cd_offset;
  zip += std::string("PK\x05\x06", 4);
  le(&zip, 0, 2), le(&zip, 0, 2), le(&zip, 1, 2), le(&zip, 1, 2);
  le(&zip, cd_size, 4), le(&zip, cd_offset, 4), le(&zip, 0, 2);
  return zip;
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(data.size() + 1024, '\0');
  z.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST_CASE("trailing bytes of every value are trailing data, not a polyglot") {
  const std::string jpeg = Jpeg(64, 48, 80);
  const std::string png = *testing::EncodePng(testing::SynthesizePhoto(40, 30, 2));
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<char>(state >> 56);
  };
  for (int v = 0; v < 256; ++v) {
    CAPTURE(v);
    std::string random(16, '\0');
    for (char& c : random) c = next();
    for (const std::string& trailer :
         {std::string(16, static_cast<char>(v)), static_cast<char>(v) + random, random + static_cast<char>(v),
          static_cast<char>(v) + random + (v == '{' ? "}" : v == '[' ? "]" : "")}) {
      for (const std::string* image : {&jpeg, &png}) {
        const ImageInfo info = ProbeImage(*image + trailer);
        CHECK(info.defect == ImageDefect::kNone);
        CHECK(info.trailing_bytes == trailer.size());
        CHECK(info.embedded_kind.empty());
      }
    }
  }
}

TEST_CASE("real trailer kinds are trailing data, not a polyglot") {
  const std::string jpeg = Jpeg(64, 48, 80);
  const std::string thumbnail = Jpeg(16, 12, 60);
  const std::vector<std::pair<const char*, std::string>> trailers = {
      {"NUL padding", std::string(4096, '\0')},
      {"0xFF fill", std::string(333, '\xFF')},
      {"appended thumbnail (MPF second image)", thumbnail},
      {"Samsung SEFH/SEFT trailer", std::string("\0\0\x01\x0aSEFH", 8) + std::string(40, '\x11') + "SEFT"},
      {"motion photo (appended MP4)", std::string("\0\0\0\x18" "ftypmp42\0\0\0\0mp42isom", 24) + std::string(200, 'x')},
      {"XMP packet", "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'/>"},
      {"short JSON", R"({"a":1})"},
      {"brace-delimited garbage", "{\x93\x12\x88 not json at all \x01}"},
      {"a bare end-of-central-directory record", std::string("PK\x05\x06", 4) + std::string(18, '\0')},
      {"a PDF header without its end", "%PDF-1.4\n1 0 obj"},
      {"gzip magic without a stream", std::string("\x1F\x8B\x08\0", 4) + std::string(30, '\x55')},
  };
  for (const auto& [name, trailer] : trailers) {
    CAPTURE(name);
    const ImageInfo info = ProbeImage(jpeg + trailer);
    CHECK(info.defect == ImageDefect::kNone);
    CHECK(info.trailing_bytes == trailer.size());
    CHECK(info.embedded_kind.empty());
  }
}

TEST_CASE("a second complete document after the image is a polyglot") {
  const std::string jpeg = Jpeg(64, 48, 80);
  const std::vector<std::pair<std::string, std::string>> documents = {
      {"zip", MinimalZip("payload.txt", "hello, world")},
      {"html", "<!DOCTYPE html><html><body>x</body></html>"},
      {"script", "\n  <script>alert(1)</script>"},
      {"php", "<?php system($_GET['c']); ?>"},
      {"pdf", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"},
      {"gzip", Gzip("a gzip member hidden after the picture")},
      {"json", "\n" R"({"name": "value", "list": [1, 2, 3]})" "\n"},
  };
  for (const auto& [kind, document] : documents) {
    CAPTURE(kind);
    CHECK(ProbeImage(jpeg + document).embedded_kind == kind);
  }
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
