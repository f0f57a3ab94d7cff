#include "validate/validator.h"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "base/files.h"

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

}  // namespace
}  // namespace pix
