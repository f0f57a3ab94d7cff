// Finding label words in what the crawl saw: a title, an image URL's file
// name, a page URL. Text is folded to lower-case word tokens (letters and
// digits; bytes of UTF-8 sequences count as letters; %XX escapes and '+' in
// URLs are decoded; a plural 's'/'es'/'ies' is folded to its singular the
// crude way, the same on both sides: "foxes" meets "fox", "puppies" meets
// "puppy"), and a term matches as a whole run of tokens: "fox" is found in
// "red-fox.jpg" and "Red Foxes", never in "firefox".
//
// TermMatcher holds the terms of every label (the label, its queries, its
// WordNet synonyms and direct hyponyms) in a hash map keyed by a term's first
// token, so a text is searched in one pass over its tokens whatever the
// number of labels: the evidence backend's hot path.
//
// Thread-safety: a TermMatcher is immutable after its terms are added; Find()
// may be called from several threads. No failure modes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pix {

// Appends the folded tokens of `text` to *tokens (see above). `url` decodes
// %XX and '+' first.
void FoldTokens(std::string_view text, bool url, std::vector<std::string>* tokens);

// One occurrence of a term of a label in a token sequence.
struct TermMatch {
  uint32_t label = 0;
  uint32_t first = 0;  // token index
  uint32_t count = 0;  // tokens
};

class TermMatcher {
 public:
  // Adds a term (any text; folded like the texts searched) for `label`.
  // Terms that fold to nothing are ignored.
  void Add(uint32_t label, std::string_view term);
  size_t size() const { return terms_; }

  // Every occurrence of every term in `tokens`, in token order; one label's
  // overlapping occurrences are all reported.
  void Find(const std::vector<std::string>& tokens, std::vector<TermMatch>* out) const;

 private:
  struct Term {
    uint32_t label;
    std::vector<std::string> rest;  // tokens after the first
  };
  std::unordered_map<std::string, std::vector<Term>> by_first_;
  size_t terms_ = 0;
};

}  // namespace pix
