#include "text/query_text.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("queries: whitespace and case folding") {
  CHECK(NormalizeQuery("  Red \t fox\n") == "Red fox");
  CHECK(NormalizeQuery("a\xC2\xA0"
                       "b") == "a b");  // NBSP
  CHECK(NormalizeQuery("a\x01"
                       "b\x7F") == "ab");  // controls dropped
  CHECK(FoldQuery("  Red   FOX ") == "red fox");
  CHECK(FoldQuery("\xC3\x89L\xC3\x89PHANT") == "\xC3\xA9l\xC3\xA9phant");      // ÉLÉPHANT
  CHECK(FoldQuery("\xD0\x9A\xD0\x9E\xD0\xA2") == "\xD0\xBA\xD0\xBE\xD1\x82");  // КОТ
  CHECK(FoldQuery("\xC5\x81"
                  "\xC3\x93"
                  "D\xC5\xB9") ==
        "\xC5\x82\xC3\xB3"
        "d\xC5\xBA");                          // ŁÓDŹ
  CHECK(FoldQuery("\xCE\xA3") == "\xCF\x83");  // Σ
  CHECK(FoldQuery("bad\xFFutf8") == "bad\xFFutf8");
}

TEST_CASE("queries: QuerySet keeps the first spelling") {
  QuerySet set;
  CHECK(set.Insert("Red fox"));
  CHECK_FALSE(set.Insert("red  FOX"));
  CHECK(set.Insert("red foxes"));
  CHECK(set.Contains(" RED FOX"));
  CHECK(set.size() == 2);
}

TEST_CASE("queries: whole-word matching for negative terms") {
  CHECK(ContainsWords("Cartoon fox", "cartoon"));
  CHECK(ContainsWords("fox cartoon drawing", "Cartoon  Drawing"));
  CHECK_FALSE(ContainsWords("cartoonish fox", "cartoon"));
  CHECK_FALSE(ContainsWords("fox", ""));
  CHECK(ContainsWords("hot-dog stand", "dog"));
}

}  // namespace
}  // namespace pix
