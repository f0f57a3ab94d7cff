// KeywordOptions: how pix-keywords turns a label into search queries. Every
// field has its default here; dataset.yaml's `keywords:` section and the
// tool's flags override them (flags win). See man/pix-keywords.1 and
// man/pix-dataset.5.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "keywords/query_template.h"
#include "llm/chat_client.h"
#include "text/wordnet.h"

namespace pix {

// The prompt asks for JSON in the shape ParseStringList() reads best and
// gives the model the label in quotes. Placeholders: {label}, {count},
// {avoid} (empty, or a sentence listing the negative terms).
inline constexpr const char* kDefaultKeywordPrompt =
    "Write {count} different web image search queries that find photographs of \"{label}\". "
    "Cover synonyms, specific kinds, and typical settings where it is seen. Keep each query "
    "short (2 to 5 words) and about \"{label}\" only.{avoid}\n"
    "Answer with JSON only, in this form: {\"queries\": [\"...\", \"...\"]}";

inline constexpr const char* kDefaultKeywordSystem =
    "You help build labelled image datasets for machine learning. You write web image search "
    "queries.";

struct KeywordOptions {
  // Write the label itself as a query (query_source "user"). The user's
  // extra terms are always written.
  bool include_label = true;
  // Patterns applied to the label and to each extra term (query_source
  // "template"). Empty: no template queries.
  std::vector<std::string> templates = DefaultQueryTemplates();
  // Negative terms for every label, added to each class's own.
  std::vector<std::string> negative_terms;
  // Queries written per label at most, in the order user, template,
  // wordnet, llm; 0 means no limit.
  size_t max_queries_per_label = 0;

  struct WordNetSettings {
    bool enabled = false;
    std::string dir = kDefaultWordNetDir;
    // sense 1, depth 1, no instances, no term limit (see wordnet.h).
    WordNetExpandOptions expand;
  } wordnet;

  struct LlmSettings {
    bool enabled = false;
    // The endpoint and the answer cache (dataset.yaml `llm:`, then
    // `keywords.llm:` overrides).
    LlmConfig client;
    // How many queries to ask for per label; more in the answer are cut.
    int count = 10;
    std::string prompt = kDefaultKeywordPrompt;
    std::string system = kDefaultKeywordSystem;
  } llm;
};

}  // namespace pix
