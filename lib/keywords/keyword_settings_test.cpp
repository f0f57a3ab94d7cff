#include "keywords/keyword_settings.h"

#include <doctest/doctest.h>

#include "keywords/query_template.h"

namespace pix {
namespace {

TEST_CASE("WidenKeywordOptions: each step widens only the sources that are on") {
  KeywordOptions plain;
  WidenKeywordOptions(0, &plain);
  CHECK(plain.templates == DefaultQueryTemplates());

  KeywordOptions o;
  WidenKeywordOptions(2, &o);
  std::vector<std::string> expected = DefaultQueryTemplates();
  for (int step : {1, 2}) {
    for (const std::string& t : WiderQueryTemplates(step)) expected.push_back(t);
  }
  CHECK(o.templates == expected);
  CHECK(o.templates.size() > DefaultQueryTemplates().size());
  for (const std::string& t : o.templates) CHECK(CheckQueryTemplate(t).ok());
  CHECK(o.wordnet.expand.depth == KeywordOptions{}.wordnet.expand.depth);  // WordNet is off
  CHECK(o.llm.count == KeywordOptions{}.llm.count);                        // so is the model
  CHECK(o.max_queries_per_label == 0);                                     // no cap stays none

  KeywordOptions on;
  on.templates.clear();  // --no-templates: widening adds none
  on.wordnet.enabled = true;
  on.wordnet.expand.depth = 1;
  on.llm.enabled = true;
  on.llm.count = 10;
  on.max_queries_per_label = 25;
  WidenKeywordOptions(3, &on);
  CHECK(on.templates.empty());
  CHECK(on.wordnet.expand.depth == 4);
  CHECK(on.llm.count == 80);
  CHECK(on.max_queries_per_label == 200);

  KeywordOptions far;  // past the last template set the other sources still deepen
  far.wordnet.enabled = true;
  WidenKeywordOptions(8, &far);
  CHECK(WiderQueryTemplates(8).empty());
  CHECK(far.wordnet.expand.depth == 9);
}

}  // namespace
}  // namespace pix
