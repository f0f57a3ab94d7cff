#include "keywords/keywords_section.h"

#include <doctest/doctest.h>

#include "keywords/query_template.h"
#include "text/wordnet.h"

namespace pix {
namespace {

Result<KeywordOptions> Parse(std::string_view yaml) {
  PIX_ASSIGN_OR_RETURN(DatasetConfig config, ParseDatasetConfig(yaml, "dataset.yaml"));
  return ParseKeywordsSection(config);
}

KeywordOptions MustParse(std::string_view yaml) {
  auto k = Parse(yaml);
  REQUIRE_MESSAGE(k.ok(), k.status().message());
  return std::move(k).value();
}

std::string ErrorOf(std::string_view yaml) {
  auto k = Parse(yaml);
  REQUIRE_FALSE(k.ok());
  CHECK(k.status().code() == StatusCode::kInvalidArgument);
  return k.status().message();
}

TEST_CASE("keywords section: an empty section gives the documented defaults") {
  for (std::string_view text : {"", "# nothing\n", "keywords:\nllm:\n"}) {
    const KeywordOptions k = MustParse(text);
    CHECK(k.include_label);
    CHECK(k.templates == DefaultQueryTemplates());
    CHECK_FALSE(k.wordnet.enabled);
    CHECK(k.wordnet.dir == kDefaultWordNetDir);
    CHECK(k.wordnet.expand.depth == 1);
    CHECK(k.wordnet.expand.sense == kAutoSense);
    CHECK_FALSE(k.llm.enabled);
    CHECK(k.llm.count == 10);
  }
}

TEST_CASE("keywords section: every key, and the endpoint inherited from llm") {
  const KeywordOptions k = MustParse(R"(
llm:
  provider: anthropic
  model: claude-haiku-4-5
  api_key_env: MY_KEY
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

TEST_CASE("keywords section: an empty template list disables templates") {
  CHECK(MustParse("keywords:\n  templates: []\n").templates.empty());
  CHECK(MustParse("keywords:\n  templates:\n").templates.empty());
}

TEST_CASE("keywords section: errors name file, line, column and key") {
  CHECK(ErrorOf("keywords:\n  wordnet:\n    depth: deep\n") ==
        "dataset.yaml:3:12: keywords.wordnet.depth: expected an integer, got \"deep\"");
  CHECK(ErrorOf("keywords:\n  templtes: [x]\n")
            .find("dataset.yaml:2:3: unknown key \"keywords.templtes\" in keywords (known keys: "
                  "include_label, templates,") == 0);
  CHECK(ErrorOf("keywords:\n  templates: [\"{lable} photo\"]\n")
            .find("dataset.yaml:2:14: keywords.templates: template \"{lable} photo\": unknown "
                  "placeholder {lable}") == 0);
  CHECK(ErrorOf("keywords:\n  wordnet:\n    depth: 99\n").find("out of range [0, 20]") !=
        std::string::npos);
  CHECK(ErrorOf("keywords:\n  llm:\n    prompt: hello\n").find("no {label} placeholder") !=
        std::string::npos);
  CHECK(ErrorOf("keywords:\n  wordnet:\n    sense: first\n") ==
        "dataset.yaml:3:12: keywords.wordnet.sense: WordNet sense \"first\": expected auto or a "
        "number from 1");
  CHECK(ErrorOf("keywords:\n  include_label: maybe\n").find("expected true or false") !=
        std::string::npos);
}

}  // namespace
}  // namespace pix
