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
    CHECK(c.keywords.include_label);
    CHECK(c.keywords.templates == DefaultQueryTemplates());
    CHECK_FALSE(c.keywords.wordnet.enabled);
    CHECK(c.keywords.wordnet.dir == kDefaultWordNetDir);
    CHECK(c.keywords.wordnet.expand.depth == 1);
    CHECK(c.keywords.wordnet.expand.sense == kAutoSense);
    CHECK_FALSE(c.keywords.llm.enabled);
    CHECK(c.keywords.llm.count == 10);
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
keywords:
  include_label: false
  templates: ["{label} photo", "wild {label}"]
  negative_terms: [toy]
  max_queries_per_label: 25
  wordnet: {enabled: yes, depth: 2, sense: 3, instances: true, dir: /opt/wn}
  llm:
    enabled: true
    count: 5
    model: claude-sonnet-4-5
    prompt: "Queries for {label}"
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

  const KeywordOptions& k = c.keywords;
  CHECK_FALSE(k.include_label);
  CHECK(k.templates == std::vector<std::string>{"{label} photo", "wild {label}"});
  CHECK(k.negative_terms == std::vector<std::string>{"toy"});
  CHECK(k.max_queries_per_label == 25);
  CHECK(k.wordnet.enabled);
  CHECK(k.wordnet.dir == "/opt/wn");
  CHECK(k.wordnet.expand.depth == 2);
  CHECK(k.wordnet.expand.sense == 3);
  CHECK(k.wordnet.expand.instances);
  CHECK(k.llm.enabled);
  CHECK(k.llm.count == 5);
  CHECK(k.llm.prompt == "Queries for {label}");
  // keywords.llm starts from llm and overrides only what it names.
  CHECK(k.llm.client.endpoint.model == "claude-sonnet-4-5");
  CHECK(k.llm.client.endpoint.protocol == LlmProtocol::kAnthropic);
  CHECK(k.llm.client.endpoint.api_key_env == "MY_KEY");
  CHECK(k.llm.client.cache_dir == "/tmp/llm-cache");
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
  CHECK(ErrorOf("llm:\n  provider: anthropic\n  reasoning_effort: low\n")
            .find("reasoning_effort") != std::string::npos);
}

TEST_CASE("config: empty template list disables templates") {
  CHECK(MustParse("keywords:\n  templates: []\n").keywords.templates.empty());
  CHECK(MustParse("keywords:\n  templates:\n").keywords.templates.empty());
}

TEST_CASE("config: errors name file, line, column and key") {
  CHECK(ErrorOf("keywords:\n  wordnet:\n    depth: deep\n") ==
        "dataset.yaml:3:12: keywords.wordnet.depth: expected an integer, got \"deep\"");
  CHECK(ErrorOf("keywords:\n  templtes: [x]\n").find(
            "dataset.yaml:2:3: unknown key \"keywords.templtes\" in keywords (known keys: "
            "include_label, templates,") == 0);
  CHECK(ErrorOf("serach: {}\n").find("dataset.yaml:1:1: unknown key \"serach\" in the top level") ==
        0);
  CHECK(ErrorOf("keywords:\n  templates: [\"{lable} photo\"]\n")
            .find("dataset.yaml:2:14: keywords.templates: template \"{lable} photo\": unknown "
                  "placeholder {lable}") == 0);
  CHECK(ErrorOf("keywords:\n  wordnet:\n    depth: 99\n").find("out of range [0, 20]") !=
        std::string::npos);
  CHECK(ErrorOf("llm:\n  provider: gemini\n").find("dataset.yaml:2:13: llm.provider: unknown LLM "
                                                   "provider \"gemini\"") == 0);
  CHECK(ErrorOf("llm:\n  base_url: ftp://x\n").find("llm.base_url: expected an http") !=
        std::string::npos);
  CHECK(ErrorOf("keywords:\n  llm:\n    prompt: hello\n").find("no {label} placeholder") !=
        std::string::npos);
  CHECK(ErrorOf("classes:\n  - cat\n  - Cat\n") ==
        "dataset.yaml:3:5: classes: class \"Cat\" is listed twice (first on line 2)");
  CHECK(ErrorOf("classes:\n  - {extra_terms: [x]}\n").find("needs a label") != std::string::npos);
  CHECK(ErrorOf("classes:\n  - label: x\n    wordnet_sens: 2\n").find(
            "unknown key \"classes[].wordnet_sens\"") != std::string::npos);
  CHECK(ErrorOf("classes: cat\n").find("expected a list of classes") != std::string::npos);
  CHECK(ErrorOf("- a\n- b\n").find("dataset.yaml:1:1: top level: expected a mapping") == 0);
  CHECK(ErrorOf("keywords: [\n").find("dataset.yaml:2:1: invalid YAML") == 0);
  CHECK(ErrorOf("keywords:\n  wordnet:\n    sense: first\n") ==
        "dataset.yaml:3:12: keywords.wordnet.sense: WordNet sense \"first\": expected auto or a "
        "number from 1");
  CHECK(ErrorOf("classes:\n  - {label: x, wordnet_sense: 0}\n").find("classes[].wordnet_sense") !=
        std::string::npos);
  CHECK(ErrorOf("keywords:\n  include_label: maybe\n").find("expected true or false") !=
        std::string::npos);
}

TEST_CASE("config: a missing file") {
  auto c = LoadDatasetConfig("/nonexistent/dataset.yaml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("/nonexistent/dataset.yaml") != std::string::npos);
}

}  // namespace
}  // namespace pix
