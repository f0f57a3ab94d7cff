#include "label/vlm_backend.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

const std::vector<std::string> kCandidates = {"cat", "dog", "red fox"};

TEST_CASE("ParseVlmAnswer: JSON, repaired JSON, percentages, label spelling") {
  auto a = ParseVlmAnswer(R"({"label": "dog", "confidence": 0.8})", kCandidates);
  REQUIRE(a.ok());
  CHECK(a->label == 1);
  CHECK(a->confidence == doctest::Approx(0.8));
  a = ParseVlmAnswer("Sure!\n```json\n{'label': 'Red Foxes', 'confidence': 85,}\n```", kCandidates);
  REQUIRE(a.ok());
  CHECK(a->label == 2);
  CHECK(a->confidence == doctest::Approx(0.85));
  a = ParseVlmAnswer(R"({"label": "cat"})", kCandidates);
  REQUIRE(a.ok());
  CHECK(a->confidence == doctest::Approx(0.7));  // no confidence: the documented default
  a = ParseVlmAnswer(R"({"label": "none", "confidence": 0.9})", kCandidates);
  REQUIRE(a.ok());
  CHECK(a->label == kNoLabel);
  a = ParseVlmAnswer(R"({"label": null, "confidence": 0.9})", kCandidates);
  REQUIRE(a.ok());
  CHECK(a->label == kNoLabel);
}

TEST_CASE("ParseVlmAnswer: sentences, refusals and unusable answers") {
  auto a = ParseVlmAnswer("This looks like a dog to me.", kCandidates);
  REQUIRE(a.ok());
  CHECK(a->label == 1);
  CHECK(a->from_text);
  CHECK(a->confidence == doctest::Approx(0.6));
  CHECK(ParseVlmAnswer("I'm sorry, but I can't help with identifying this image.", kCandidates)
            .status()
            .code() == StatusCode::kNotFound);
  CHECK(ParseVlmAnswer("A cat or a dog.", kCandidates).status().code() == StatusCode::kCorruption);
  CHECK(ParseVlmAnswer("A horse.", kCandidates).status().code() == StatusCode::kCorruption);
  CHECK(ParseVlmAnswer(R"({"label": "horse", "confidence": 0.9})", kCandidates).status().code() ==
        StatusCode::kCorruption);
  CHECK(ParseVlmAnswer(R"({"label": "cat", "confidence": 150})", kCandidates).status().code() ==
        StatusCode::kCorruption);
  CHECK(IsRefusal("I cannot identify people."));
  CHECK_FALSE(IsRefusal("A cat on a sofa."));
}

}  // namespace
}  // namespace pix
