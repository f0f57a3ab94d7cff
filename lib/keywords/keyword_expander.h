// KeywordExpander: turns one label into its search queries, the work of
// pix-keywords. Sources, in the order their queries are written:
//   user      the label itself and the class's extra terms
//   template  each template applied to the label and to each extra term
//   wordnet   synonyms and hyponyms of the label's WordNet sense
//   llm       queries a language model suggests
// Queries are normalised (spaces), de-duplicated with case and whitespace
// folded (the first source keeps a query), expansions that contain a
// negative term are dropped, the per-label cap is applied, and finally each
// query gets " -term" for every negative term (quoted when it has spaces),
// which DuckDuckGo, Bing, Google, Wikimedia, Openverse and Flickr read as
// "without". A source is skipped once the cap is reached, so a capped run
// asks no model it does not need.
//
// Failure modes: Create() fails with kInvalidArgument for settings that
// cannot work (WordNet enabled but its database missing, LLM enabled
// without a model). Expand() fails only on a corrupt WordNet database; a
// label WordNet does not know and a failed model request are reported in
// the LabelExpansion and the other sources' queries are kept.
// Thread-safety: one thread per expander (the LLM client is not shared).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/dataset_class.h"
#include "http/client.h"
#include "keywords/keyword_options.h"
#include "llm/chat_client.h"
#include "text/wordnet.h"

namespace pix {

struct KeywordQuery {
  std::string query;
  const char* source;  // "user", "template", "wordnet" or "llm"
};

struct LabelExpansion {
  std::vector<KeywordQuery> queries;
  // Why WordNet gave no terms (empty when it did, or when it is off).
  std::string wordnet_missing;
  // WordNet words left out as ambiguous (WordNetExpansion::ambiguous).
  std::vector<std::string> wordnet_ambiguous;
  // A failed model request (queries from the other sources are kept).
  std::string llm_error_code;
  std::string llm_error_message;
  bool llm_cached = false;
};

class KeywordExpander {
 public:
  // `http` carries the network settings for the model requests.
  static Result<std::unique_ptr<KeywordExpander>> Create(KeywordOptions options, HttpOptions http);

  // The queries for one class (its label, extra and negative terms, and
  // WordNet sense).
  Result<LabelExpansion> Expand(const DatasetClass& spec);

  const KeywordOptions& options() const { return options_; }
  // The model client when LLM expansion is on, else nullptr (for counters).
  const ChatClient* llm() const { return llm_.get(); }

 private:
  explicit KeywordExpander(KeywordOptions options) : options_(std::move(options)) {}
  std::string Prompt(const std::string& label, const std::vector<std::string>& negatives) const;

  KeywordOptions options_;
  std::unique_ptr<WordNet> wordnet_;
  std::unique_ptr<ChatClient> llm_;
};

}  // namespace pix
