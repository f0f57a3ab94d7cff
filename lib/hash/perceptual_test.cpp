#include "hash/perceptual.h"

#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "base/files.h"
#include "hash/hamming_index.h"
#include "image/decode.h"
#include "image/sniff.h"

namespace pix {
namespace {

// tests/data, found from this file's path so the test runs from any directory.
// PIX_SOURCE_DIR is set by tests/CMakeLists.txt; __FILE__ may be relative
// (ccache with base_dir rewrites it), so it is not used to find the data.
std::string TestDataDir() { return std::string(PIX_SOURCE_DIR) + "/tests/data"; }

TEST_CASE("ScipyDct2Length32 reproduces scipy.fftpack.dct to the last bit") {
  // scipy.fftpack.dct([(i * i) % 17 for i in range(32)]) on SciPy 1.10.
  const double want[32] = {
      0x1.0b00000000000p+9,  -0x1.40471f59a36cap+5, 0x1.c4feb503be120p+4,  -0x1.4970659cc8246p+6,
      -0x1.b9a18745c9f21p+6, 0x1.66065ba98bbb9p+3,  0x1.7b3f34a920a90p+1,  -0x1.aceb4db71f7bdp+5,
      -0x1.9a0e700aaa98cp+4, 0x1.2b5ef9d1b2ff4p+2,  -0x1.ea7cf0484ddf0p+1, -0x1.cc6c08896f4b5p+6,
      0x1.294176956da71p+4,  0x1.ae7d61e45438bp+4,  0x1.0c8b61831c58bp+5,  0x1.36e2c7acd2e75p+6,
      -0x1.adebc19b71702p+4, 0x1.e0c9f6ee01520p+1,  0x1.8a0e9204e0746p+4,  0x1.b791a60703d8dp+4,
      -0x1.bb327b21f545cp+5, 0x1.b6b286d2c1ae0p+1,  -0x1.91cab36a4320ep+6, 0x1.9802aadc00d66p+4,
      0x1.e83e586cb4802p+4,  0x1.04bd7144cac8ep+4,  0x1.17dc493e2933fp+5,  -0x1.1d2e06722d7cep+4,
      -0x1.f642cd4575380p+0, -0x1.f72cde68e5a20p+0, -0x1.5e8a1982f2280p-4, -0x1.9877c18f73a80p-1};
  double x[32];
  for (int i = 0; i < 32; ++i) x[i] = (i * i) % 17;
  ScipyDct2Length32(x);
  for (int i = 0; i < 32; ++i) CHECK(x[i] == want[i]);
}

TEST_CASE("a flat image has exactly zero AC coefficients, so only DC is set") {
  std::vector<uint8_t> flat(32 * 32, 77);
  const auto dct = ScipyDct2d32(flat.data());
  for (size_t i = 1; i < dct.size(); ++i) CHECK(dct[i] == 0.0);
  CHECK(PhashFrom32(flat.data()) == 0x8000000000000000ull);
  CHECK(HashHex(PhashFrom32(flat.data())) == "8000000000000000");
}

TEST_CASE("dhash compares each pixel with its left neighbour") {
  std::vector<uint8_t> g(9 * 8, 0);
  for (int r = 0; r < 8; ++r) g[r * 9 + 1] = 10;  // brighter than column 0 only
  CHECK(DhashFrom9x8(g.data()) == 0x8080808080808080ull);
  CHECK(HammingDistance(0xFFull, 0x0Full) == 4);
}

// Golden values from tests/golden/make_phash_golden.py (Pillow 9.4 + SciPy),
// and the values real imagehash 4.3.2 gives for its own test image.
TEST_CASE("phash and dhash match imagehash on the golden images") {
  const std::string dir = TestDataDir();
  struct Case {
    std::string file, phash, dhash;
  };
  std::vector<Case> cases = {{dir + "/imagehash.png", "ba8c84536bd3c366", "0026273b2b19550e"}};
  auto golden = ReadFile(dir + "/phash/golden.json");
  REQUIRE(golden.ok());
  simdjson::dom::parser parser;
  simdjson::dom::object root = parser.parse(*golden).get_object().value();
  for (auto [name, value] : root) {
    cases.push_back({dir + "/phash/" + std::string(name), std::string(value["phash"].get_string().value()),
                     std::string(value["dhash"].get_string().value())});
  }
  CHECK(cases.size() > 30);
  for (const Case& c : cases) {
    CAPTURE(c.file);
    auto bytes = ReadFile(c.file);
    REQUIRE(bytes.ok());
    auto image = DecodeImage(*bytes, SniffKind(*bytes), DecodeOptions{});
    REQUIRE(image.ok());
    const auto gray = PillowGray(*image);
    const ImageHashes h = ImageHashesOfGray(gray.data(), image->width, image->height);
    CHECK(HashHex(h.phash) == c.phash);
    CHECK(HashHex(h.dhash) == c.dhash);
  }
}

}  // namespace
}  // namespace pix
