#include "label/evidence.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

namespace pix {
namespace {

Record Parse(std::string_view line) {
  RecordParser parser;
  auto r = Record::Parse(line, parser);
  REQUIRE(r.ok());
  return *r;
}

struct Fixture {
  EvidenceVocabulary vocabulary;
  TermMatcher matcher;
  EvidenceScratch scratch;
  Fixture() {
    for (const char* l : {"jaguar", "car", "fox", "red fox", "dog"})
      matcher.Add(vocabulary.LabelId(l), l);
    matcher.Add(0, "panthera onca");
  }
  std::vector<LabelSupport> Read(std::string_view line) {
    Record r = Parse(line);
    std::vector<LabelSupport> out;
    ReadEvidence(r, static_cast<uint32_t>(vocabulary.FindLabel(*r.GetString("label"))), vocabulary,
                 matcher, &scratch, &out);
    return out;
  }
};

TEST_CASE("ReadEvidence: distinct queries and engines, best rank, texts") {
  Fixture f;
  auto s = f.Read(
      R"({"label":"jaguar","title":"Panthera onca at rest","url":"https://x.org/img/Jaguar-1.jpg?s=2",)"
      R"("page_url":"https://x.org/wiki/Big_cats","found_by":[{"engine":"bing","query":"jaguar","rank":7},)"
      R"({"engine":"ddg","query":"jaguar","rank":3},{"engine":"bing","query":"jaguar animal","rank":12}]})");
  REQUIRE(s.size() == 1);
  CHECK(s[0].queries.size() == 2);
  CHECK(s[0].distinct_engines() == 2);
  CHECK(s[0].best_rank == 3);
  CHECK(s[0].text == (kInTitle | kInFileName));
  CHECK(s[0].others_named.empty());
}

TEST_CASE("ReadEvidence: another label's words, unless inside the label's own term") {
  Fixture f;
  auto s = f.Read(
      R"({"label":"jaguar","title":"Jaguar XF, the car of the year","engine":"bing","rank":2})");
  REQUIRE(s.size() == 1);
  CHECK(s[0].text == kInTitle);
  REQUIRE(s[0].others_named.size() == 1);
  CHECK(f.vocabulary.LabelName(s[0].others_named[0].label) == "car");
  CHECK(s[0].others_named[0].places == kInTitle);
  CHECK(s[0].most_places_naming_another() == 1);
  CHECK(s[0].queries.size() == 1);  // from the record's own query/engine fields
  CHECK(s[0].best_rank == 2);
  auto fox = f.Read(R"({"label":"red fox","title":"Red foxes in winter"})");
  CHECK(fox[0].others_named.empty());  // "fox" is inside "red fox"
  auto plain = f.Read(R"({"label":"fox","title":"Red foxes in winter"})");
  // "red fox" is another label and is not inside "fox".
  CHECK(plain[0].others_named ==
        std::vector<NamedLabel>{{f.vocabulary.LabelId("red fox"), kInTitle}});
}

TEST_CASE("ReadEvidence: the places that name each other label are counted apart") {
  Fixture f;
  auto s = f.Read(
      R"({"label":"jaguar","title":"Car of the year, and a dog","url":"https://x.org/img/car-xf.jpg",)"
      R"("page_url":"https://x.org/cars/dog-friendly","engine":"bing","rank":2})");
  REQUIRE(s.size() == 1);
  const uint32_t car = f.vocabulary.LabelId("car"), dog = f.vocabulary.LabelId("dog");
  std::vector<NamedLabel> want = {{car, kInTitle | kInFileName | kInPageUrl},
                                  {dog, kInTitle | kInPageUrl}};
  std::ranges::sort(want, {}, &NamedLabel::label);
  CHECK(s[0].others_named == want);
  CHECK(s[0].most_places_naming_another() == 3);
  CHECK(s[0].names(dog));
  CHECK_FALSE(s[0].names(f.vocabulary.LabelId("jaguar")));
}

TEST_CASE("ReadEvidence: found_by entries under other labels are candidates") {
  Fixture f;
  auto s = f.Read(
      R"({"label":"jaguar","found_by":[{"engine":"bing","query":"jaguar","rank":40},)"
      R"({"engine":"bing","query":"car","rank":2,"label":"car"},{"engine":"ddg","query":"sports car","rank":1,"label":"car"},)"
      R"({"engine":"ddg","query":"x","rank":1,"label":"not a label"}]})");
  REQUIRE(s.size() == 2);
  CHECK(s[0].label == 0);
  CHECK(s[1].label == 1);
  CHECK(s[1].queries.size() == 2);
  CHECK(s[1].best_rank == 1);
  // The car has more support: its confidence is higher, the jaguar's lower than alone.
  EvidenceWeights w;
  const double jaguar = ScoreCandidate(s, 0, w).confidence,
               car = ScoreCandidate(s, 1, w).confidence;
  CHECK(car > jaguar);
  std::vector<LabelSupport> alone = {s[0]};
  CHECK(ScoreCandidate(alone, 0, w).confidence > jaguar);
}

TEST_CASE("ScoreCandidate follows the documented formula") {
  EvidenceWeights w;
  LabelSupport a;
  a.queries = {1, 2};
  a.engines = 3;
  a.best_rank = 3;
  a.text = kInTitle | kInPageUrl;
  const double z = w.queries * std::log2(3) + w.engines * std::log2(3) + w.rank / 2 -
                   w.rank_linear * 0.03 + w.text * 2;
  CHECK(SupportOf(a, w) == doctest::Approx(z));
  auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
  std::vector<LabelSupport> one = {a};
  CHECK(ScoreCandidate(one, 0, w).confidence == doctest::Approx(sigmoid(w.bias + z)));
  one[0].others_named = {{5, kInTitle}};
  CHECK(ScoreCandidate(one, 0, w).confidence ==
        doctest::Approx(sigmoid(w.bias + z - w.other_text)));
  // The same other label in the title and the page URL, another in the file name.
  one[0].others_named = {{5, kInTitle | kInPageUrl}, {6, kInFileName}};
  CHECK(ScoreCandidate(one, 0, w).confidence ==
        doctest::Approx(sigmoid(w.bias + z - w.other_text - w.other_text_more)));
  // Ranks deeper than 200 count as 200 in the linear term.
  LabelSupport deep = a;
  deep.best_rank = 1000;
  CHECK(SupportOf(deep, w) == doctest::Approx(z - w.rank / 2 + w.rank / std::log2(1001) +
                                              w.rank_linear * 0.03 - w.rank_linear * 2));

  // A rival label b with 4 queries, best rank 7, named in the texts.
  LabelSupport b;
  b.label = 1;
  b.queries = {7, 8, 9, 10};
  b.best_rank = 7;
  std::vector<LabelSupport> two = {a, b};
  two[0].others_named = {{1, kInTitle}};
  const RivalSupport r = RivalsOf(two, 0);
  CHECK(r.queries == 4);
  CHECK(r.best_rank == 7);
  CHECK(r.named);
  CHECK(ScoreCandidate(two, 0, w).confidence ==
        doctest::Approx(sigmoid(w.bias + z - w.other_text + w.conflict - w.conflict_queries * 2 -
                                w.conflict_rank / 3 - w.conflict_named)));
  // Seen from b: a's 2 queries and rank 3; b's texts name nothing.
  const double zb = w.queries * std::log2(5) + w.rank / 3 - w.rank_linear * 0.07;
  CHECK(ScoreCandidate(two, 1, w).confidence ==
        doctest::Approx(
            sigmoid(w.bias + zb + w.conflict - w.conflict_queries - w.conflict_rank / 2)));
}

TEST_CASE("LabelSupport::Merge unions queries and engines, keeps the best rank") {
  LabelSupport a, b;
  a.queries = {1, 5};
  a.engines = 1;
  a.best_rank = 9;
  b.queries = {2, 5};
  b.engines = 4;
  b.best_rank = 4;
  b.text = kInTitle;
  b.others_named = {{3, kInTitle}};
  a.others_named = {{3, kInPageUrl}, {4, kInTitle}};
  a.Merge(b);
  CHECK(a.queries == std::vector<uint64_t>{1, 2, 5});
  CHECK(a.distinct_engines() == 2);
  CHECK(a.best_rank == 4);
  CHECK(a.text == kInTitle);
  CHECK(a.others_named == std::vector<NamedLabel>{{3, kInTitle | kInPageUrl}, {4, kInTitle}});
}

}  // namespace
}  // namespace pix
