#include "label/label_text.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

std::vector<std::string> Fold(std::string_view text, bool url = false) {
  std::vector<std::string> out;
  FoldTokens(text, url, &out);
  return out;
}

std::vector<TermMatch> Find(const TermMatcher& m, std::string_view text, bool url = false) {
  std::vector<TermMatch> out;
  m.Find(Fold(text, url), &out);
  return out;
}

TEST_CASE("FoldTokens: lower case words, plurals folded, URL escapes decoded") {
  CHECK(Fold("Red Foxes in the SNOW") ==
        std::vector<std::string>{"red", "fox", "in", "the", "snow"});
  CHECK(Fold("puppies, cats & glass") == std::vector<std::string>{"puppy", "cat", "glass"});
  CHECK(Fold("red%20fox_2.jpg", true) == std::vector<std::string>{"red", "fox", "2", "jpg"});
  CHECK(Fold("red%20fox", false) == std::vector<std::string>{"red", "20fox"});
  CHECK(Fold("bus") == std::vector<std::string>{"bus"});
  CHECK(Fold("Émile") == std::vector<std::string>{"Émile"});  // non-ASCII bytes are letters, kept
  CHECK(Fold("").empty());
}

TEST_CASE("TermMatcher: whole-token phrases only") {
  TermMatcher m;
  m.Add(0, "fox");
  m.Add(1, "red fox");
  m.Add(1, "Red Fox");  // the same term again: ignored
  m.Add(2, "  ");       // nothing: ignored
  CHECK(m.size() == 2);
  auto found = Find(m, "A red fox, and another fox");
  REQUIRE(found.size() == 3);
  CHECK(found[0].label == 1);
  CHECK(found[0].first == 1);
  CHECK(found[0].count == 2);
  CHECK(found[1].label == 0);
  CHECK(found[1].first == 2);
  CHECK(found[2].first == 5);
  CHECK(Find(m, "firefox download").empty());
  CHECK(Find(m, "red-foxes.jpg", true).size() == 2);
  CHECK(Find(m, "red").empty());
}

}  // namespace
}  // namespace pix
