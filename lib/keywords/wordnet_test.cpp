#include "keywords/wordnet.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "base/files.h"

namespace pix {
namespace {

// Writes a tiny WordNet database in the real file format, with true byte
// offsets, so the reader is tested on the format rather than on Debian's copy.
struct FakeSynset {
  std::string id;
  std::vector<std::string> words;
  std::vector<std::string> hyponyms;
  std::vector<std::string> instances;
  std::string gloss;
};

class FakeWordNet {
 public:
  explicit FakeWordNet(std::vector<FakeSynset> synsets,
                       std::vector<std::pair<std::string, std::vector<std::string>>> index,
                       std::string exceptions = "") {
    char tmpl[] = "/tmp/pix-wordnet-XXXXXX";
    dir = ::mkdtemp(tmpl);
    const std::string header = "  1 This software and database is a fake.  \n";
    // Lines have the same length whatever the offsets (8 digits each), so a
    // first pass with zeros gives every synset's offset.
    std::map<std::string, uint32_t> offsets;
    for (int pass = 0; pass < 2; ++pass) {
      std::string data = header;
      for (const auto& s : synsets) {
        const uint32_t own = static_cast<uint32_t>(data.size());
        if (pass == 0) offsets[s.id] = own;
        std::string line = fmt::format("{:08} 05 n {:02x}", own, s.words.size());
        for (const auto& w : s.words) line += " " + w + " 0";
        line += fmt::format(" {:03}", 1 + s.hyponyms.size() + s.instances.size());
        line += " @ 00000000 n 0000";  // a hypernym pointer the reader must skip
        for (const auto& h : s.hyponyms) line += fmt::format(" ~ {:08} n 0000", offsets[h]);
        for (const auto& h : s.instances) line += fmt::format(" ~i {:08} n 0000", offsets[h]);
        data += line + " | " + s.gloss + "  \n";
      }
      if (pass == 1) REQUIRE(WriteFileAtomic(dir + "/data.noun", data).ok());
    }
    std::sort(index.begin(), index.end());
    std::string text = header;
    for (const auto& [lemma, ids] : index) {
      text += fmt::format("{} n {} 2 @ ~ {} 0", lemma, ids.size(), ids.size());
      for (const auto& id : ids) text += fmt::format(" {:08}", offsets.at(id));
      text += "  \n";
    }
    REQUIRE(WriteFileAtomic(dir + "/index.noun", text).ok());
    if (!exceptions.empty()) REQUIRE(WriteFileAtomic(dir + "/noun.exc", exceptions).ok());
  }
  ~FakeWordNet() { std::filesystem::remove_all(dir); }

  std::unique_ptr<WordNet> Open() {
    auto wn = WordNet::Open(dir);
    REQUIRE(wn.ok());
    return std::move(wn).value();
  }

  std::string dir;
};

FakeWordNet Animals() {
  return FakeWordNet(
      {
          {"dog", {"dog", "domestic_dog", "Canis_familiaris"}, {"puppy", "hound"}, {}, "a dog"},
          {"puppy", {"puppy"}, {}, {}, "a young dog"},
          {"hound", {"hound", "hound_dog"}, {"beagle"}, {"laika"}, "a hunting dog"},
          {"beagle", {"beagle"}, {}, {}, "a small hound"},
          {"laika", {"Laika"}, {}, {}, "a dog in space"},
          {"frump", {"frump", "dog"}, {}, {}, "a dull unattractive woman"},
          {"mouse", {"mouse"}, {}, {}, "a rodent"},
          {"redfox", {"red_fox", "Vulpes_vulpes"}, {}, {}, "a fox"},
      },
      {
          {"dog", {"dog", "frump"}},
          {"domestic_dog", {"dog"}},
          {"puppy", {"puppy"}},
          {"hound", {"hound"}},
          {"beagle", {"beagle"}},
          {"mouse", {"mouse"}},
          {"red_fox", {"redfox"}},
          {"frump", {"frump"}},
      },
      "mice mouse\n");
}

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
                                              "hound", "hound dog"});
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
  CHECK(wn->NounSenses("red  foxes", &lemma).size() == 1);
  CHECK(lemma == "red_fox");
  CHECK(wn->NounSenses("beagles", &lemma).size() == 1);
  CHECK(wn->NounSenses("unicorn").empty());
  CHECK(wn->NounSenses("").empty());
  // First and last entries of the sorted index are found too.
  CHECK(wn->NounSenses("beagle").size() == 1);
  CHECK(wn->NounSenses("red fox").size() == 1);

  o.sense = 1;
  e = wn->Expand("unicorn", o);
  REQUIRE(e.ok());
  CHECK(e->missing == "not a noun in WordNet");
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
}

}  // namespace
}  // namespace pix
