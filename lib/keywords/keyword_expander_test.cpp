#include "keywords/keyword_expander.h"

#include <doctest/doctest.h>

#include "text/wordnet_test_data.h"

namespace pix {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs Run(const KeywordOptions& options, const DatasetClass& spec) {
  auto e = KeywordExpander::Create(options, HttpOptions{});
  REQUIRE_MESSAGE(e.ok(), e.status().message());
  auto x = (*e)->Expand(spec);
  REQUIRE(x.ok());
  Pairs out;
  for (const auto& q : x->queries) out.emplace_back(q.query, q.source);
  return out;
}

DatasetClass Label(std::string label) {
  DatasetClass c;
  c.label = std::move(label);
  return c;
}

TEST_CASE("expander: label, extra terms, templates, dedup") {
  KeywordOptions o;
  o.templates = {"{label} photo", "{label}  PHOTO", "{label} close-up"};
  DatasetClass spec = Label("  red   fox ");
  spec.extra_terms = {"Vulpes vulpes", "red fox"};
  CHECK(Run(o, spec) == Pairs{{"red fox", "user"},
                              {"Vulpes vulpes", "user"},
                              {"red fox photo", "template"},
                              {"red fox close-up", "template"},
                              {"Vulpes vulpes photo", "template"},
                              {"Vulpes vulpes close-up", "template"}});
  o.include_label = false;
  o.templates.clear();
  CHECK(Run(o, spec) == Pairs{{"Vulpes vulpes", "user"}, {"red fox", "user"}});
}

TEST_CASE("expander: the default templates") {
  KeywordOptions o;
  CHECK(Run(o, Label("cat")) == Pairs{{"cat", "user"},
                                      {"cat photo", "template"},
                                      {"cat close-up", "template"},
                                      {"cat high resolution", "template"}});
}

TEST_CASE("expander: negative terms filter expansions and are appended") {
  KeywordOptions o;
  o.templates = {"{label} cartoon", "{label} photo"};
  o.negative_terms = {"-cartoon"};
  DatasetClass spec = Label("fox");
  spec.negative_terms = {"stuffed toy", "Cartoon"};
  CHECK(Run(o, spec) == Pairs{{"fox -cartoon -\"stuffed toy\"", "user"},
                              {"fox photo -cartoon -\"stuffed toy\"", "template"}});
}

TEST_CASE("expander: the cap keeps the first queries in source order") {
  KeywordOptions o;
  o.max_queries_per_label = 2;
  CHECK(Run(o, Label("cat")) == Pairs{{"cat", "user"}, {"cat photo", "template"}});
}

TEST_CASE("expander: WordNet terms after the templates, per-class sense") {
  FakeWordNet db = Animals();
  KeywordOptions o;
  o.templates = {"{label} photo"};
  o.wordnet.enabled = true;
  o.wordnet.dir = db.dir;
  o.wordnet.expand.depth = 1;
  CHECK(Run(o, Label("dog")) == Pairs{{"dog", "user"},
                                      {"dog photo", "template"},
                                      {"domestic dog", "wordnet"},
                                      {"Canis familiaris", "wordnet"},
                                      {"puppy", "wordnet"},
                                      {"pup", "wordnet"},
                                      {"hound", "wordnet"},
                                      {"hound dog", "wordnet"},
                                      {"toy dog", "wordnet"},
                                      {"lapdog", "wordnet"}});
  DatasetClass frump = Label("dog");
  frump.wordnet_sense = 2;
  CHECK(Run(o, frump) == Pairs{{"dog", "user"}, {"dog photo", "template"}, {"frump", "wordnet"}});

  auto e = KeywordExpander::Create(o, HttpOptions{});
  REQUIRE(e.ok());
  auto x = (*e)->Expand(Label("unicorn"));
  REQUIRE(x.ok());
  CHECK(x->wordnet_missing == "not a noun in WordNet");
  CHECK(x->queries.size() == 2);
}

TEST_CASE("expander: settings that cannot work are usage errors") {
  KeywordOptions o;
  o.wordnet.enabled = true;
  o.wordnet.dir = "/nonexistent";
  auto e = KeywordExpander::Create(o, HttpOptions{});
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().code() == StatusCode::kInvalidArgument);
  CHECK(e.status().message().find("wordnet-base") != std::string::npos);

  KeywordOptions l;
  l.llm.enabled = true;
  e = KeywordExpander::Create(l, HttpOptions{});
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message().find("needs a model") != std::string::npos);

  KeywordOptions t;
  t.templates = {"photo"};
  CHECK(KeywordExpander::Create(t, HttpOptions{}).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pix
