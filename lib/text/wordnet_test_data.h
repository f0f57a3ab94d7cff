// Test data: a tiny WordNet database in the real file format, written to a
// temporary directory, for the unit tests of the reader and the expander.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/files.h"
#include "text/wordnet.h"

namespace pix {

// Writes a tiny WordNet database in the real file format, with true byte
// offsets, so the reader is tested on the format rather than on Debian's copy.
struct FakeSynset {
  std::string id;
  std::vector<std::string> words;
  std::vector<std::string> hyponyms;
  std::vector<std::string> instances;
  std::string gloss;
  int lex = 5;  // lexicographer file (5 noun.animal, 18 noun.person, 20 noun.plant)
};

// An index.noun line: the lemma's synsets in sense order, and how many of
// them, from the first, are ranked by frequency (tagsense_cnt).
struct FakeIndexEntry {
  std::string lemma;
  std::vector<std::string> ids;
  int ranked = 0;
};

class FakeWordNet {
 public:
  explicit FakeWordNet(std::vector<FakeSynset> synsets, std::vector<FakeIndexEntry> index,
                       std::string exceptions = "") {
    char tmpl[] = "/tmp/pix-wordnet-XXXXXX";
    dir = ::mkdtemp(tmpl);
    const std::string header = "  1 This software and database is a fake.  \n";
    // Lines have the same length whatever the offsets (8 digits each), so a
    // first pass with zeros gives every synset's offset.
    std::map<std::string, uint32_t> offsets;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>>
        parents;  // id -> (ptr, id)
    for (const auto& s : synsets) {
      for (const auto& h : s.hyponyms) parents[h].emplace_back("@", s.id);
      for (const auto& h : s.instances) parents[h].emplace_back("@i", s.id);
    }
    for (int pass = 0; pass < 2; ++pass) {
      std::string data = header;
      for (const auto& s : synsets) {
        const uint32_t own = static_cast<uint32_t>(data.size());
        if (pass == 0) offsets[s.id] = own;
        std::string line = fmt::format("{:08} {:02} n {:02x}", own, s.lex, s.words.size());
        for (const auto& w : s.words) line += " " + w + " 0";
        const auto& up = parents[s.id];
        line += fmt::format(" {:03}", 1 + up.size() + s.hyponyms.size() + s.instances.size());
        line += " + 00000000 v 0101";  // a pointer to a verb, which the reader skips
        for (const auto& [ptr, id] : up) line += fmt::format(" {} {:08} n 0000", ptr, offsets[id]);
        for (const auto& h : s.hyponyms) line += fmt::format(" ~ {:08} n 0000", offsets[h]);
        for (const auto& h : s.instances) line += fmt::format(" ~i {:08} n 0000", offsets[h]);
        data += line + " | " + s.gloss + "  \n";
      }
      if (pass == 1) REQUIRE(WriteFileAtomic(dir + "/data.noun", data).ok());
    }
    std::sort(index.begin(), index.end(),
              [](const FakeIndexEntry& a, const FakeIndexEntry& b) { return a.lemma < b.lemma; });
    std::string text = header;
    for (const auto& [lemma, ids, ranked] : index) {
      text += fmt::format("{} n {} 2 @ ~ {} {}", lemma, ids.size(), ids.size(), ranked);
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

// dog (2 senses: animal, person) -> puppy, hound -> beagle (+ instance
// Laika), toy dog; mouse; tiger (person, animal); red fox (plant, animal).
// Ambiguous words: "toy" is first a plaything (ranked), "lapdog" first a
// person (unranked), and "pup" first a beagle, which is a dog too (ranked).
inline FakeWordNet Animals() {
  return FakeWordNet(
      {
          {"dog",
           {"dog", "domestic_dog", "Canis_familiaris"},
           {"puppy", "hound", "toydog"},
           {},
           "a dog"},
          {"puppy", {"puppy", "pup"}, {}, {}, "a young dog"},
          {"hound", {"hound", "hound_dog"}, {"beagle"}, {"laika"}, "a hunting dog"},
          {"beagle", {"beagle"}, {}, {}, "a small hound"},
          {"laika", {"Laika"}, {}, {}, "a dog in space"},
          {"toydog", {"toy_dog", "toy", "lapdog"}, {}, {}, "a small dog"},
          {"plaything", {"plaything", "toy"}, {}, {}, "an artifact to play with", 6},
          {"pet", {"lapdog"}, {}, {}, "a pampered person", 18},
          {"frump", {"frump", "dog"}, {}, {}, "a dull unattractive woman", 18},
          {"fierce", {"tiger"}, {}, {}, "a fierce or audacious person", 18},
          {"tiger", {"tiger", "Panthera_tigris"}, {}, {}, "large feline", 5},
          {"celosia", {"red_fox", "Celosia_argentea"}, {}, {}, "weedy annual", 20},
          {"mouse", {"mouse"}, {}, {}, "a rodent"},
          {"redfox", {"red_fox", "Vulpes_vulpes"}, {}, {}, "a fox"},
      },
      {
          {"dog", {"dog", "frump"}},
          {"domestic_dog", {"dog"}},
          {"puppy", {"puppy"}},
          {"pup", {"beagle", "puppy"}, 2},
          {"toy", {"plaything", "toydog"}, 1},
          {"toy_dog", {"toydog"}, 1},
          {"lapdog", {"pet", "toydog"}},
          {"plaything", {"plaything"}, 1},
          {"hound", {"hound"}},
          {"beagle", {"beagle"}},
          {"mouse", {"mouse"}},
          {"red_fox", {"celosia", "redfox"}},
          {"tiger", {"fierce", "tiger"}},
          {"frump", {"frump"}},
      },
      "mice mouse\n");
}

}  // namespace pix
