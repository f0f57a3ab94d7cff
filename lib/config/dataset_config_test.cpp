#include "config/dataset_config.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

DatasetConfig MustParse(std::string_view yaml) {
  auto c = ParseDatasetConfig(yaml, "dataset.yaml");
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return std::move(c).value();
}

std::string ErrorOf(std::string_view yaml) {
  auto c = ParseDatasetConfig(yaml, "dataset.yaml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().code() == StatusCode::kInvalidArgument);
  return c.status().message();
}

TEST_CASE("config: an empty file gives the documented defaults") {
  for (std::string_view text : {"", "# nothing\n", "keywords:\nllm:\n"}) {
    DatasetConfig c = MustParse(text);
    CHECK(c.classes.empty());
    CHECK(c.llm.endpoint.protocol == LlmProtocol::kOpenAi);
    CHECK(c.llm.endpoint.timeout == std::chrono::seconds(120));
  }
}

TEST_CASE("config: a full file") {
  DatasetConfig c = MustParse(R"(
name: foxes
classes:
  - red fox
  - label: Arctic  fox
    extra_terms: [polar fox, Vulpes lagopus]
    negative_terms: cartoon
    wordnet_sense: 2
llm:
  provider: anthropic
  model: claude-haiku-4-5
  api_key_env: MY_KEY
  timeout: 30
  temperature: ~
  cache_dir: /tmp/llm-cache
keywords: {include_label: false}  # read by keywords/keywords_section.cpp
search: {max: 5}
validate: {level: fast}
)");
  CHECK(c.name == "foxes");
  REQUIRE(c.classes.size() == 2);
  CHECK(c.classes[0].label == "red fox");
  CHECK(c.classes[0].line == 4);
  CHECK(c.classes[1].label == "Arctic fox");
  CHECK(c.classes[1].extra_terms == std::vector<std::string>{"polar fox", "Vulpes lagopus"});
  CHECK(c.classes[1].negative_terms == std::vector<std::string>{"cartoon"});
  CHECK(*c.classes[1].wordnet_sense == 2);
  CHECK(c.FindClass("arctic FOX") == &c.classes[1]);
  CHECK(c.FindClass("fox") == nullptr);

  CHECK(c.llm.endpoint.protocol == LlmProtocol::kAnthropic);
  CHECK(c.llm.endpoint.model == "claude-haiku-4-5");
  CHECK(c.llm.endpoint.api_key_env == "MY_KEY");
  CHECK(c.llm.endpoint.timeout == std::chrono::seconds(30));
  CHECK_FALSE(c.llm.endpoint.temperature.has_value());
  CHECK(c.llm.cache_dir == "/tmp/llm-cache");
}

TEST_CASE("config: model options per provider") {
  DatasetConfig c = MustParse(
      "llm:\n  model: m\n  token_field: max_completion_tokens\n  reasoning_effort: low\n"
      "  temperature: 1.5\n");
  CHECK(c.llm.endpoint.token_limit_field == TokenLimitField::kMaxCompletionTokens);
  CHECK(c.llm.endpoint.reasoning_effort == "low");
  CHECK(*c.llm.endpoint.temperature == 1.5);
  CHECK_FALSE(MustParse("llm:\n  model: m\n").llm.endpoint.temperature.has_value());
  CHECK(ErrorOf("llm:\n  token_field: tokens\n").find("dataset.yaml:2") != std::string::npos);
  CHECK(ErrorOf("llm:\n  provider: anthropic\n  temperature: 1.5\n").find("temperature") !=
        std::string::npos);
  CHECK(
      ErrorOf("llm:\n  provider: anthropic\n  reasoning_effort: low\n").find("reasoning_effort") !=
      std::string::npos);
}

TEST_CASE("config: errors name file, line, column and key") {
  CHECK(ErrorOf("serach: {}\n").find("dataset.yaml:1:1: unknown key \"serach\" in the top level") ==
        0);
  CHECK(ErrorOf("llm:\n  provider: gemini\n")
            .find("dataset.yaml:2:13: llm.provider: unknown LLM "
                  "provider \"gemini\"") == 0);
  CHECK(ErrorOf("llm:\n  base_url: ftp://x\n").find("llm.base_url: expected an http") !=
        std::string::npos);
  CHECK(ErrorOf("classes:\n  - cat\n  - Cat\n") ==
        "dataset.yaml:3:5: classes: class \"Cat\" is listed twice (first on line 2)");
  CHECK(ErrorOf("classes:\n  - {extra_terms: [x]}\n").find("needs a label") != std::string::npos);
  CHECK(ErrorOf("classes:\n  - label: x\n    wordnet_sens: 2\n")
            .find("unknown key \"classes[].wordnet_sens\"") != std::string::npos);
  CHECK(ErrorOf("classes: cat\n").find("expected a list of classes") != std::string::npos);
  CHECK(ErrorOf("- a\n- b\n").find("dataset.yaml:1:1: top level: expected a mapping") == 0);
  CHECK(ErrorOf("keywords: [\n").find("dataset.yaml:2:1: invalid YAML") == 0);
  CHECK(ErrorOf("classes:\n  - {label: x, wordnet_sense: 0}\n").find("classes[].wordnet_sense") !=
        std::string::npos);
}

TEST_CASE("config: a stage's own section is kept for its module, unparsed") {
  // Wrong inside, but only the module that owns `keywords:` reads it
  // (keywords/keywords_section_test.cpp); the top level accepts the key.
  DatasetConfig c = MustParse("keywords:\n  templtes: [x]\n");
  auto section = c.StageSection("keywords");
  REQUIRE(section.ok());
  CHECK(section->Has("templtes"));
  auto absent = c.StageSection("search");
  REQUIRE(absent.ok());
  CHECK_FALSE(absent->Has("engines"));
  auto wrong = MustParse("keywords: [a]\n").StageSection("keywords");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message().find("dataset.yaml:1:11: keywords: expected a mapping") == 0);
}

TEST_CASE("config: a missing file") {
  auto c = LoadDatasetConfig("/nonexistent/dataset.yaml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("/nonexistent/dataset.yaml") != std::string::npos);
}

}  // namespace
}  // namespace pix
