#include "validate/quality_judge.h"

#include <doctest/doctest.h>

#include "image/transform.h"

namespace pix {
namespace {

TEST_CASE("judge answers are read leniently but the score must make sense") {
  auto a = ParseJudgeAnswer(R"({"score": 0.75, "reason": "sharp, well lit"})");
  REQUIRE(a.ok());
  CHECK(a->score == 0.75);
  CHECK(a->reason == "sharp, well lit");
  a = ParseJudgeAnswer("Sure!\n```json\n{'score': 1, 'reason': 'fine',}\n```");
  REQUIRE(a.ok());
  CHECK(a->score == 1.0);
  a = ParseJudgeAnswer(R"({"score": 80})");  // a percentage
  REQUIRE(a.ok());
  CHECK(a->score == doctest::Approx(0.8));
  CHECK_FALSE(ParseJudgeAnswer(R"({"score": 150})").ok());
  CHECK_FALSE(ParseJudgeAnswer(R"({"score": -0.1})").ok());
  CHECK_FALSE(ParseJudgeAnswer(R"({"score": "high"})").ok());
  // No score at all (an error object, say): found by fuzzing, this once read
  // an empty element (undefined behaviour, caught by UBSan in make sanitize).
  CHECK_FALSE(ParseJudgeAnswer(R"({"error": {"message": "rate limited"}})").ok());
  CHECK_FALSE(ParseJudgeAnswer(R"({"reason": "no score"})").ok());
  a = ParseJudgeAnswer(R"({"score": 1, "reason": 7})");  // an integer score; a reason not text
  REQUIRE(a.ok());
  CHECK(a->score == 1.0);
  CHECK(a->reason.empty());
  CHECK_FALSE(ParseJudgeAnswer("I cannot judge images.").ok());
}

TEST_CASE("the judge sends the image before the text") {
  const ChatRequest r = BuildJudgeRequest("\xff\xd8jpeg");
  REQUIRE(r.messages.size() == 1);
  REQUIRE(r.messages[0].content.size() == 2);
  CHECK(r.messages[0].content[0].kind == ContentPart::Kind::kImage);
  CHECK(r.messages[0].content[1].kind == ContentPart::Kind::kText);
  LlmEndpoint anthropic;
  anthropic.protocol = LlmProtocol::kAnthropic;
  const std::string body = BuildChatBody(anthropic, r);
  CHECK(body.find(R"("type":"image")") < body.find(R"("type":"text")"));
  CHECK(IsPermanentJudgeFailure("llm_unsupported_input"));
  CHECK_FALSE(IsPermanentJudgeFailure("llm_rate_limited"));
}

TEST_CASE("ApplyOrientation turns the stored picture upright") {
  // 3x2 RGB... as gray: values 0..5 row-major.
  const uint8_t px[6] = {0, 1, 2, 3, 4, 5};
  const PixelView in{px, 3, 2, 1};
  auto six = ApplyOrientation(in, 6);  // rotate 90 clockwise
  CHECK(six.width == 2);
  CHECK(six.height == 3);
  CHECK(std::vector<uint8_t>(six.data.begin(), six.data.end()) == std::vector<uint8_t>{3, 0, 4, 1, 5, 2});
  auto eight = ApplyOrientation(in, 8);  // rotate 90 counter-clockwise
  CHECK(std::vector<uint8_t>(eight.data.begin(), eight.data.end()) == std::vector<uint8_t>{2, 5, 1, 4, 0, 3});
  auto two = ApplyOrientation(in, 2);
  CHECK(std::vector<uint8_t>(two.data.begin(), two.data.end()) == std::vector<uint8_t>{2, 1, 0, 5, 4, 3});
  auto three = ApplyOrientation(in, 3);
  CHECK(std::vector<uint8_t>(three.data.begin(), three.data.end()) == std::vector<uint8_t>{5, 4, 3, 2, 1, 0});
}

}  // namespace
}  // namespace pix
