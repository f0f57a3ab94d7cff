#include "validate/validator.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "base/files.h"
#include "support/image_synth.h"

namespace pix {
namespace {

std::string SourceDir() { return PIX_SOURCE_DIR; }  // set by tests/CMakeLists.txt

TEST_CASE("every reason and error code is documented in man/pix-validate.1") {
  auto page = ReadFile(SourceDir() + "/man/pix-validate.1");
  REQUIRE(page.ok());
  for (std::string_view code : kRejectReasons) {
    CAPTURE(code);
    CHECK(page->find(".B " + std::string(code) + "\n") != std::string::npos);
  }
  for (std::string_view code : kContentFlags) {
    CAPTURE(code);
    CHECK(page->find(".B " + std::string(code) + "\n") != std::string::npos);
  }
  for (std::string_view code : kRecordErrors) {
    CAPTURE(code);
    CHECK(page->find(".B " + std::string(code) + "\n") != std::string::npos);
  }
  for (const QualityWeight& w : kQualityWeights) {
    CAPTURE(w.part);
    CHECK(page->find(fmt::format("\\fB{}\\fR, weight {:.2f}\n", w.part, w.weight)) != std::string::npos);
  }
}

TEST_CASE("quality weights sum to 1") {
  double sum = 0;
  for (const QualityWeight& w : kQualityWeights) sum += w.weight;
  CHECK(sum == doctest::Approx(1.0));
}

QualityInputs GoodPhoto() {
  QualityInputs in;
  in.width = 3000;
  in.height = 2000;
  in.metrics.brightness = 0.5;
  in.metrics.contrast = 0.25;
  in.metrics.sharpness = 2000;
  in.metrics.noise = 1;
  in.metrics.clipped_fraction = 0;
  in.metrics.blockiness = 1.0;
  in.jpeg_quality = 95;
  return in;
}

TEST_CASE("a good photo scores 1 and each defect lowers its own part") {
  const QualityScore good = ComputeQuality(GoodPhoto());
  CHECK(good.score == doctest::Approx(1.0));
  CHECK(good.parts.size() == 7);

  auto score_with = [](auto change) {
    QualityInputs in = GoodPhoto();
    change(in);
    return ComputeQuality(in);
  };
  CHECK(score_with([](QualityInputs& in) { in.metrics.sharpness = 10; }).score == doctest::Approx(0.75));
  CHECK(score_with([](QualityInputs& in) { in.width = in.height = 256; }).score == doctest::Approx(0.8));
  CHECK(score_with([](QualityInputs& in) { in.jpeg_quality = 30; }).score == doctest::Approx(0.85));
  CHECK(score_with([](QualityInputs& in) { in.metrics.brightness = 0.05; }).score < 0.9);
  CHECK(score_with([](QualityInputs& in) { in.metrics.noise = 12; }).score == doctest::Approx(0.9));
}

TEST_CASE("parts that cannot be measured are left out and the weights renormalised") {
  QualityInputs in = GoodPhoto();
  in.metrics.blockiness = std::numeric_limits<double>::quiet_NaN();
  in.jpeg_quality = 0;  // lossy WebP: no estimate
  in.metrics.sharpness = 10;
  const QualityScore q = ComputeQuality(in);
  CHECK(q.parts.size() == 5);
  CHECK(q.score == doctest::Approx(0.55 / 0.80));
}

TEST_CASE("each content flag lowers the score by kFlagPenalty") {
  QualityInputs in = GoodPhoto();
  in.flags = 2;
  const QualityScore q = ComputeQuality(in);
  CHECK(q.flag_penalty == doctest::Approx(kFlagPenalty * kFlagPenalty));
  CHECK(q.score == doctest::Approx(kFlagPenalty * kFlagPenalty));
}

TEST_CASE("ParseRejectFlags: codes, lists, all and none") {
  CHECK(*ParseRejectFlags({"blurry,dark"}) == std::vector<std::string>{"dark", "blurry"});
  CHECK(*ParseRejectFlags({"blurry", " dark "}) == std::vector<std::string>{"dark", "blurry"});
  CHECK(ParseRejectFlags({"all"})->size() == kContentFlags.size());
  CHECK(ParseRejectFlags({"none"})->empty());
  CHECK(ParseRejectFlags({})->empty());
  const auto bad = ParseRejectFlags({"blurry,truncated"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("'truncated'") != std::string::npos);
}

// A validated record of one image written to a temporary file.
struct Validated {
  Record record;
  bool valid() const { return *record.GetBool("valid"); }
  std::string Raw(std::string_view key) const { return std::string(record.Raw(key).value_or("")); }
};
Validated ValidateImage(const testing::Pixels& pixels, const ValidateOptions& options) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            fmt::format("pix-validator-test-{}.png", ::getpid()))
                               .string();
  REQUIRE(WriteFileAtomic(path, *testing::EncodePng(pixels)).ok());
  Validated out;
  out.record.SetString("path", path);
  const Validator validator(options);
  REQUIRE(validator.Validate(&out.record).ok());
  std::filesystem::remove(path);
  return out;
}

testing::Pixels Flat(int w, int h, uint8_t value, int square = 0) {
  testing::Pixels p;
  p.width = w;
  p.height = h;
  p.data.assign(static_cast<size_t>(w) * h * 3, value);
  // A dark square in the middle, `square` pixels a side.
  for (int y = (h - square) / 2; y < (h + square) / 2; ++y) {
    for (int x = (w - square) / 2; x < (w + square) / 2; ++x) {
      for (int k = 0; k < 3; ++k) p.data[(static_cast<size_t>(y) * w + x) * 3 + k] = 20;
    }
  }
  return p;
}

TEST_CASE("content concerns are flags on a valid image; reject_flags makes them reject") {
  // A gray picture with one soft square: blurry, low information, near
  // uniform, grayscale, but not blank (the square covers 4% of it).
  const testing::Pixels soft = Flat(200, 200, 200, 40);
  ValidateOptions o;
  const Validated plain = ValidateImage(soft, o);
  CHECK(plain.valid());
  CHECK(plain.Raw("reject") == "[]");
  CHECK(plain.Raw("flags") == R"(["low_information","near_uniform","grayscale"])");
  CHECK(plain.Raw("flag_values").find(R"("near_uniform":{"metric":"uniform_fraction","value":0.96,"limit":0.95})") !=
        std::string::npos);

  o.reject_flags = {"near_uniform", "blurry"};
  const Validated strict = ValidateImage(soft, o);
  CHECK_FALSE(strict.valid());
  CHECK(strict.Raw("reject") == R"(["near_uniform"])");
  CHECK(strict.Raw("flags") == plain.Raw("flags"));

  o.reject_flags = *ParseRejectFlags({"all"});
  CHECK(ValidateImage(soft, o).Raw("reject") == R"(["low_information","near_uniform","grayscale"])");
}

TEST_CASE("a truly blank picture is rejected as blank; a photograph has no flags") {
  const Validated blank = ValidateImage(Flat(120, 90, 255), {});
  CHECK_FALSE(blank.valid());
  CHECK(blank.Raw("reject") == R"(["blank"])");
  CHECK(blank.Raw("flags").find("near_uniform") != std::string::npos);

  ValidateOptions o;
  o.min_sharpness = 0;  // the synthetic photographs are smooth
  const Validated photo = ValidateImage(testing::SynthesizePhoto(300, 200, 5), o);
  CHECK(photo.valid());
  CHECK(photo.Raw("flags") == "[]");
  CHECK(photo.Raw("flag_values").empty());
}

}  // namespace
}  // namespace pix
