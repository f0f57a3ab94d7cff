#include "text/wordnet.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "text/wordnet_test_data.h"

namespace pix {
namespace {

std::vector<std::string> Texts(const WordNetExpansion& e) {
  std::vector<std::string> out;
  for (const auto& t : e.terms) out.push_back(t.text);
  return out;
}

TEST_CASE("wordnet: synonyms and hyponyms level by level") {
  auto db = Animals();
  auto wn = db.Open();
  WordNetExpandOptions o;
  o.depth = 0;
  auto e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(e->missing.empty());
  CHECK(e->senses == 2);
  CHECK(e->gloss == "a dog");
  CHECK(Texts(*e) == std::vector<std::string>{"dog", "domestic dog", "Canis familiaris"});

  o.depth = 1;
  e = wn->Expand("Dog", o);
  REQUIRE(e.ok());
  CHECK(Texts(*e) == std::vector<std::string>{"dog", "domestic dog", "Canis familiaris", "puppy",
                                              "pup", "hound", "hound dog", "toy dog", "lapdog"});
  CHECK(e->terms[3].depth == 1);

  o.depth = 5;
  e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  auto texts = Texts(*e);
  CHECK(texts.back() == "beagle");
  CHECK(std::count(texts.begin(), texts.end(), "Laika") == 0);

  o.instances = true;
  e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(Texts(*e).back() == "Laika");

  o.max_terms = 4;
  e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(e->terms.size() == 4);
}

TEST_CASE("wordnet: words whose commonest sense is something else are left out") {
  auto db = Animals();
  auto wn = db.Open();
  WordNetExpandOptions o;
  o.depth = 1;
  auto e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  auto texts = Texts(*e);
  // "toy" is first a plaything; "pup" first a beagle, a dog too; "lapdog" is
  // first a person, but WordNet has no counts for it.
  CHECK(e->ambiguous == std::vector<std::string>{"toy"});
  CHECK(std::count(texts.begin(), texts.end(), "toy") == 0);
  CHECK(std::count(texts.begin(), texts.end(), "toy dog") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "pup") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "lapdog") == 1);

  o.keep_ambiguous = true;
  e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(e->ambiguous.empty());
  CHECK(Texts(*e) == std::vector<std::string>{"dog", "domestic dog", "Canis familiaris", "puppy",
                                              "pup", "hound", "hound dog", "toy dog", "toy",
                                              "lapdog"});

  // Sense by sense: the plaything is not a dog, the toy dog is one.
  const auto toy = wn->NounSenses("toy");
  const auto dog = wn->NounSenses("dog");
  REQUIRE(toy.size() == 2);
  CHECK_FALSE(*wn->IsKindOf(toy[0], dog[0]));
  CHECK(*wn->IsKindOf(toy[1], dog[0]));
  CHECK(*wn->IsKindOf(wn->NounSenses("beagle")[0], dog[0]));
  CHECK(*wn->IsKindOf(dog[0], dog[0]));
  int ranked = -1;
  CHECK(wn->NounSenses("toy", nullptr, &ranked).size() == 2);
  CHECK(ranked == 1);
}

TEST_CASE("wordnet: senses, morphology and misses") {
  auto db = Animals();
  auto wn = db.Open();
  WordNetExpandOptions o;
  o.sense = 2;
  auto e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(Texts(*e) == std::vector<std::string>{"frump", "dog"});

  o.sense = 3;
  e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(e->terms.empty());
  CHECK(e->missing.find("2 sense(s)") != std::string::npos);

  std::string lemma;
  CHECK(wn->NounSenses("mice", &lemma).size() == 1);
  CHECK(lemma == "mouse");
  CHECK(wn->NounSenses("red  foxes", &lemma).size() == 2);
  CHECK(lemma == "red_fox");
  CHECK(wn->NounSenses("beagles", &lemma).size() == 1);
  CHECK(wn->NounSenses("unicorn").empty());
  CHECK(wn->NounSenses("").empty());
  // First and last entries of the sorted index are found too.
  CHECK(wn->NounSenses("beagle").size() == 1);
  CHECK(wn->NounSenses("red fox").size() == 2);

  o.sense = 1;
  e = wn->Expand("unicorn", o);
  REQUIRE(e.ok());
  CHECK(e->missing == "not a noun in WordNet");
}

TEST_CASE("wordnet: the automatic sense prefers what can be photographed") {
  auto db = Animals();
  auto wn = db.Open();
  WordNetExpandOptions o;
  o.depth = 0;
  auto e = wn->Expand("tiger", o);
  REQUIRE(e.ok());
  CHECK(e->sense == 2);
  CHECK(Texts(*e) == std::vector<std::string>{"tiger", "Panthera tigris"});
  e = wn->Expand("red fox", o);
  REQUIRE(e.ok());
  CHECK(e->sense == 2);
  CHECK(Texts(*e) == std::vector<std::string>{"red fox", "Vulpes vulpes"});
  e = wn->Expand("dog", o);
  REQUIRE(e.ok());
  CHECK(e->sense == 1);
  o.sense = 1;
  e = wn->Expand("tiger", o);
  REQUIRE(e.ok());
  CHECK(Texts(*e) == std::vector<std::string>{"tiger"});

  CHECK(*ParseWordNetSense("auto") == kAutoSense);
  CHECK(*ParseWordNetSense("3") == 3);
  CHECK_FALSE(ParseWordNetSense("0").ok());
  CHECK_FALSE(ParseWordNetSense("first").ok());
}

TEST_CASE("wordnet: a missing database is a clear NotFound") {
  auto wn = WordNet::Open("/nonexistent/wordnet");
  REQUIRE_FALSE(wn.ok());
  CHECK(wn.status().code() == StatusCode::kNotFound);
  CHECK(wn.status().message().find("wordnet-base") != std::string::npos);
  CHECK(wn.status().message().find("/nonexistent/wordnet/index.noun") != std::string::npos);
}

TEST_CASE("wordnet: a bad offset is corruption, not a crash") {
  auto db = Animals();
  auto wn = db.Open();
  auto s = wn->ReadSynset(3);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == StatusCode::kCorruption);
  CHECK(wn->ReadSynset(99999999).status().code() == StatusCode::kCorruption);
}

// Debian's database, when installed: the reader must agree with the real file.
TEST_CASE("wordnet: the installed database, if any") {
  auto wn = WordNet::Open(kDefaultWordNetDir);
  if (!wn.ok()) return;
  WordNetExpandOptions o;
  o.depth = 1;
  auto e = (*wn)->Expand("dog", o);
  REQUIRE(e.ok());
  auto texts = Texts(*e);
  CHECK(texts[0] == "dog");
  CHECK(std::find(texts.begin(), texts.end(), "puppy") != texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "domestic dog") != texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "toy dog") != texts.end());
  CHECK(std::find(texts.begin(), texts.end(), "toy") == texts.end());
  CHECK(std::find(e->ambiguous.begin(), e->ambiguous.end(), "toy") != e->ambiguous.end());
}

}  // namespace
}  // namespace pix
