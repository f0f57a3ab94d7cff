// Query text: how PixCrawler cleans and compares search queries and labels
// (pix-keywords, dataset.yaml's classes, pix-label).
//
// Queries come from users, templates, WordNet lemmas and LLM answers, so the
// same query arrives with different spacing and case ("Red  fox", "red fox").
// NormalizeQuery() trims and collapses whitespace (and drops control
// characters) for the text we write; FoldQuery() additionally lower-cases it
// for comparing. Case folding covers ASCII, Latin-1, Latin Extended-A, Greek
// and Cyrillic, which is what search queries contain in practice; other
// scripts compare as written. QuerySet keeps the first spelling of each folded
// query. Thread-safety: free functions are reentrant; a QuerySet is a value.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

namespace pix {

// Trims, collapses runs of whitespace (ASCII, tabs, newlines, NBSP) to one
// space and removes other control characters. Invalid UTF-8 is kept as is.
std::string NormalizeQuery(std::string_view text);

// NormalizeQuery() and lower-cased: the key under which queries are equal.
std::string FoldQuery(std::string_view text);

// Whether `word` occurs in `text` as whole words (both folded), so that the
// negative term "cartoon" drops "cartoon fox" but not "cartoonish fox".
bool ContainsWords(std::string_view text, std::string_view words);

// A set of queries compared by FoldQuery().
class QuerySet {
 public:
  // Inserts the query; false when an equal one was inserted before.
  bool Insert(std::string_view query) { return keys_.insert(FoldQuery(query)).second; }
  bool Contains(std::string_view query) const { return keys_.count(FoldQuery(query)) != 0; }
  size_t size() const { return keys_.size(); }

 private:
  std::unordered_set<std::string> keys_;
};

}  // namespace pix
