// WordNet: a small reader for the noun part of the Princeton WordNet 3.0
// database as Debian's wordnet-base package installs it (index.noun,
// data.noun and noun.exc in /usr/share/wordnet), and the expansion ImageNet
// used to find images of a concept: the words of the label's synset and of
// its hyponyms ("dog" -> "domestic dog", "puppy", "toy dog", ...).
//
// The format is documented in wndb(5WN). index.noun is sorted by lemma and is
// loaded into memory once (about 5 MB) and searched by bisection; data.noun
// lines are read on demand at the byte offset a synset id names, so an
// expansion touches only the synsets it visits. Lemmas are matched the way
// WordNet's morphy() does for nouns: as written, then through the exception
// list (mice -> mouse), then with the regular plural endings removed (red
// foxes -> red fox).
//
// Failure modes: Open() fails with kNotFound, and a message that names the
// package to install, when the database files are missing; a data line that
// does not match its offset or does not parse is kCorruption naming the file
// and offset. Thread-safety: a WordNet is immutable after Open(); its const
// methods may be called from several threads (reads use pread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace pix {

// Where Debian's wordnet-base package puts the database.
inline constexpr const char* kDefaultWordNetDir = "/usr/share/wordnet";

struct WordNetSynset {
  uint32_t offset = 0;
  int lex_file = 0;                         // lexicographer file number (5 = noun.animal, ...)
  std::vector<std::string> words;           // as written, '_' turned into ' '
  std::vector<uint32_t> hyponyms;           // "~" pointers to noun synsets
  std::vector<uint32_t> instance_hyponyms;  // "~i": named instances (Paris for city)
  std::vector<uint32_t> hypernyms;          // "@" and "@i": what it is a kind or instance of
  std::string gloss;
};

// WordNetExpandOptions::sense value that chooses a sense automatically.
inline constexpr int kAutoSense = 0;

// Lexicographer files (wndb(5WN) lex_filenum) of things one can photograph,
// in order of preference: noun.animal, noun.food, noun.plant, noun.artifact,
// noun.object, noun.body, noun.person, noun.location, noun.phenomenon,
// noun.substance. Senses in other files (acts, attributes, feelings, ...)
// come after them.
inline constexpr int kPicturableLexFiles[] = {5, 13, 20, 6, 17, 8, 18, 15, 19, 27};

// "auto" -> kAutoSense; "N" (N >= 1) -> N.
Result<int> ParseWordNetSense(std::string_view text);

struct WordNetExpandOptions {
  // Which sense of the label: N picks sense N in WordNet's order (1-based;
  // WordNet orders senses by how often they occur in text), kAutoSense picks
  // the first sense that names something one can photograph (see
  // kPicturableLexFiles). Text frequency is the wrong guide for images: sense
  // 1 of "tiger" is "a fierce or audacious person", of "crane" the poet Hart
  // Crane, and "red fox" has no frequency data, so its sense 1 is a plant.
  int sense = kAutoSense;
  // Levels of hyponyms below the sense: 0 gives the synonyms only, 1 adds the
  // direct kinds ("dog" -> "puppy", "hunting dog"), 2 their kinds ("hound",
  // "terrier"), and so on. Deeper levels grow fast and drift from what a
  // search for the label would show.
  int depth = 1;
  // Follow instance hyponyms ("city" -> "Paris") too. Off: instances are
  // specific things, rarely what a class of images means.
  bool instances = false;
  // Stop after this many terms (0: no limit). Bounds the work for broad
  // labels ("entity" has tens of thousands of hyponyms).
  size_t max_terms = 0;
  // Keep words whose commonest sense is not the label's sense or a kind of
  // it. Off: such a word searches for that other thing. Under "dog", "toy"
  // (of "toy dog, toy") is first a plaything and "boxer" a fighter; under
  // "car", "bus" is first a bus and "Berlin" a city. "hen" under "bird" stays:
  // its commonest sense, the chicken, is a bird too. A word is left out only
  // when WordNet ranks its senses by frequency (tagsense_cnt >= 1 in
  // index.noun); without counts the order says nothing, and the word stays.
  bool keep_ambiguous = false;
};

struct WordNetTerm {
  std::string text;
  int depth = 0;        // 0 for the label's own synset
  uint32_t synset = 0;  // data.noun offset
};

struct WordNetExpansion {
  // Empty when the label was found; otherwise why there are no terms.
  std::string missing;
  std::string lemma;  // the index entry that matched, e.g. "red_fox"
  int senses = 0;     // how many noun senses the lemma has
  int sense = 0;      // the sense used, 1-based
  std::string gloss;  // of the chosen sense, for messages
  // The chosen synset's words first, then hyponyms level by level, each
  // level in WordNet's order; no two terms fold to the same text.
  std::vector<WordNetTerm> terms;
  // Words left out because their commonest sense is elsewhere (see
  // keep_ambiguous), in the order met.
  std::vector<std::string> ambiguous;
};

class WordNet {
 public:
  // Opens the database in `dir`. kNotFound (saying to install wordnet-base
  // or to point --wordnet-dir at a WordNet 3.0 "dict" directory) when
  // index.noun or data.noun is missing; noun.exc is optional.
  static Result<std::unique_ptr<WordNet>> Open(const std::string& dir);
  ~WordNet();
  WordNet(const WordNet&) = delete;
  WordNet& operator=(const WordNet&) = delete;

  // The noun synsets of `word` in sense order, and the lemma that matched
  // (see morphology above). Empty when WordNet does not know the word.
  // `ranked`: how many senses, from the first, WordNet orders by frequency.
  std::vector<uint32_t> NounSenses(std::string_view word, std::string* lemma = nullptr,
                                   int* ranked = nullptr) const;

  Result<WordNetSynset> ReadSynset(uint32_t offset) const;

  // Whether synset `offset` is `ancestor` or, through hypernyms, a kind or
  // an instance of it.
  Result<bool> IsKindOf(uint32_t offset, uint32_t ancestor) const;

  // Synonyms and hyponyms of one sense of `label`. A label WordNet does not
  // know, or a sense it does not have, is not an error: `missing` says why.
  Result<WordNetExpansion> Expand(std::string_view label,
                                  const WordNetExpandOptions& options) const;

 private:
  WordNet() = default;
  std::vector<uint32_t> LookUp(std::string_view lemma, int* ranked = nullptr) const;
  // The 1-based sense kAutoSense chooses.
  Result<int> PicturableSense(const std::vector<uint32_t>& senses) const;

  std::string dir_;
  std::string index_;                                             // index.noun, whole
  int data_fd_ = -1;                                              // data.noun
  std::unordered_multimap<std::string, std::string> exceptions_;  // noun.exc
};

}  // namespace pix
