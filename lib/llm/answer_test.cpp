#include "llm/answer.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

using Strings = std::vector<std::string>;

Strings List(std::string_view answer) {
  auto r = ParseStringList(answer);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  return *r;
}

TEST_CASE("answers: clean JSON in any of the usual shapes") {
  CHECK(List(R"(["a", "b"])") == Strings{"a", "b"});
  CHECK(List(R"({"queries": ["a", "b"]})") == Strings{"a", "b"});
  CHECK(List(R"({"label": "x", "terms": ["a"]})") == Strings{"a"});
  CHECK(List(R"({"result": {"data": ["a", "b"]}})") == Strings{"a", "b"});
  CHECK(List(R"([{"query": "a", "why": "z"}, {"text": "b"}])") == Strings{"a", "b"});
  CHECK(List(R"({"queries": ["caf\u00e9 \"x\""]})") == Strings{"caf\xC3\xA9 \"x\""});
}

TEST_CASE("answers: prose, fences and thinking around the JSON") {
  CHECK(List("Sure! Here are some queries [as asked]:\n{\"queries\": [\"a\", \"b\"]}\nHope it "
             "helps.") == Strings{"a", "b"});
  CHECK(List("Use {label} wisely.\n```json\n[\"a\", \"b\"]\n```\nMore: [1]") == Strings{"a", "b"});
  CHECK(List("<think>maybe [\"wrong\"]?</think>\n[\"right\"]") == Strings{"right"});
  CHECK(List("See [1] and [2].\n[\"a\"]") == Strings{"a"});
}

TEST_CASE("answers: malformed JSON is repaired") {
  CHECK(List(R"({"queries": ["a", "b",],})") == Strings{"a", "b"});
  CHECK(List(R"(['a', 'dog\'s bed', 'b'])") == Strings{"a", "dog's bed", "b"});
  CHECK(List(R"(['a', 'dog's bed'])") == Strings{"a", "dog's bed"});
  CHECK(List("[\"a\"\n \"b\"]") == Strings{"a", "b"});
  CHECK(List("[\xE2\x80\x9C"
             "a\xE2\x80\x9D, \xE2\x80\x9C"
             "b\xE2\x80\x9D]") == Strings{"a", "b"});
  CHECK(List("[\"a\", // first\n \"b\" /* second */]") == Strings{"a", "b"});
  CHECK(List("{\"queries\": [\"a\", \"b\", \"c") == Strings{"a", "b", "c"});  // cut off
  CHECK(List("{\"queries\": [\"a\", \"b\"}") == Strings{"a", "b"});           // wrong closer
  CHECK(List("[\"line\nbreak\"]") == Strings{"line\nbreak"});
  auto json = ExtractJson(R"({'ok': True, 'n': None, 'v': [1, 2,]})");
  REQUIRE(json.ok());
  CHECK(*json == R"({"ok": true, "n": null, "v": [1, 2]})");
}

TEST_CASE("answers: valid JSON passes through unchanged") {
  const std::string text = R"({"a": [1, -2.5e3, true, null, "x\"y\\z"], "b": {}})";
  CHECK(RepairJson(text) == text);
  CHECK(*ExtractJson("prefix " + text + " suffix") == text);
}

TEST_CASE("answers: lists without JSON") {
  CHECK(List("Here you go:\n1. red fox\n2) arctic fox\n- \"fennec\",\n* `kit fox`\n") ==
        Strings{"red fox", "arctic fox", "fennec", "kit fox"});
}

TEST_CASE("answers: nothing usable is an error that quotes the answer") {
  auto r = ParseStringList("I cannot help with that.");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kCorruption);
  CHECK(r.status().message().find("I cannot help") != std::string::npos);
  CHECK_FALSE(ParseStringList("{\"queries\": []}").ok());
  CHECK_FALSE(ParseStringList("[1, 2, 3]").ok());
  CHECK_FALSE(ExtractJson("no json here").ok());
  CHECK_FALSE(ParseStringList("").ok());
}

}  // namespace
}  // namespace pix
