#include "label/model_backends.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace pix {
namespace {

TEST_CASE("NormaliseProbabilities: probabilities kept, logits through softmax") {
  std::vector<float> p = {0.2f, 0.3f, 0.5f};
  NormaliseProbabilities(&p);
  CHECK(p[2] == doctest::Approx(0.5));
  std::vector<float> logits = {0.0f, std::log(3.0f)};
  NormaliseProbabilities(&logits);
  CHECK(logits[0] == doctest::Approx(0.25));
  CHECK(logits[1] == doctest::Approx(0.75));
  std::vector<float> negative = {-1.0f, -1.0f};
  NormaliseProbabilities(&negative);
  CHECK(negative[0] == doctest::Approx(0.5));
}

TEST_CASE("ReadSynsetClasses: ImageNet's synset_words format") {
  const std::string path = "/tmp/pix-label-classes-test.txt";
  {
    std::ofstream f(path);
    f << "# comment\nn02084071 dog, domestic dog\n\nn02121808 domestic cat\r\n";
  }
  auto classes = ReadSynsetClasses(path);
  REQUIRE(classes.ok());
  CHECK(*classes == std::vector<uint32_t>{2084071, 2121808});
  {
    std::ofstream f(path);
    f << "n0208407 dog\n";
  }
  auto bad = ReadSynsetClasses(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find(":1:") != std::string::npos);
  std::remove(path.c_str());
  CHECK_FALSE(ReadSynsetClasses(path).ok());
}

TEST_CASE("ParseTriple and MakeInputBlob") {
  double v[3];
  REQUIRE(ParseTriple("0.5,0.25,1", v).ok());
  CHECK(v[1] == 0.25);
  REQUIRE(ParseTriple("2", v).ok());
  CHECK(v[2] == 2);
  CHECK_FALSE(ParseTriple("1,2", v).ok());
  CHECK_FALSE(ParseTriple("a", v).ok());
  OnnxInputOptions in;
  in.width = 2;
  in.height = 1;
  in.mean[0] = in.mean[1] = in.mean[2] = 0.5;
  in.std[0] = in.std[1] = in.std[2] = 0.5;
  const uint8_t rgb[] = {255, 0, 255, 255, 0, 255};  // 2x1 magenta
  const auto blob = MakeInputBlob(PixelView{rgb, 2, 1, 3}, in);
  REQUIRE(blob.size() == 6);
  CHECK(blob[0] == doctest::Approx(1.0));   // R, x=0
  CHECK(blob[2] == doctest::Approx(-1.0));  // G, x=0
  CHECK(blob[5] == doctest::Approx(1.0));   // B, x=1
  const uint8_t gray[] = {0};
  const auto g = MakeInputBlob(PixelView{gray, 1, 1, 1}, in);
  CHECK(g[0] == doctest::Approx(-1.0));
  CHECK(g[4] == doctest::Approx(-1.0));
}

TEST_CASE("OnnxModel::Load names the option when the model is missing") {
  auto m = OnnxModel::Load("/nonexistent/model.onnx", OnnxInputOptions(), "--embed-model");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message().find("--embed-model") != std::string::npos);
}

}  // namespace
}  // namespace pix
