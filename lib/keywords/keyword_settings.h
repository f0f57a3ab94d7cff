// pix-keywords' settings and where they come from: the defaults
// (KeywordOptions), the `keywords`, `llm` and `classes` sections of a
// dataset.yaml (--config), the environment (the model's API key, the cache
// directory) and the flags, each layer over the one before. The flags are
// defined here once, so the tool's main() is flags -> ResolveKeywordOptions ->
// RunKeywords, and a driver can build the same options without argv.
//
// Failure modes: kInvalidArgument for a bad flag combination or an
// unreadable or invalid config (with "file:line:column:" where it has one).
// Library code: the environment is read through the lookup the tool passes.
// Thread-safety: plain functions.
#pragma once

#include <string>
#include <vector>

#include "base/cli.h"
#include "base/env.h"
#include "http/http_flags.h"
#include "keywords/keyword_options.h"
#include "keywords/keyword_stage.h"
#include "llm/llm_flags.h"

namespace pix {

struct KeywordFlags {
  std::string config;
  std::vector<std::string> keywords;  // -k: expand these instead of reading input
  std::vector<std::string> templates;
  std::vector<std::string> negatives;
  bool no_templates = false;
  bool no_label = false;
  size_t max_queries = 0;
  bool wordnet = false;
  int depth = 1;
  std::string sense;
  std::string wordnet_dir;
  bool instances = false;
  bool keep_ambiguous = false;
  bool no_wordnet = false;
  bool llm = false;
  bool no_llm = false;
  int count = 10;
  int widen = 0;  // --widen
  LlmFlags llm_flags;
  NetworkFlags network;
  CLI::App* app = nullptr;  // to tell flags given from defaults
};

// Adds pix-keywords' own flags, the model and network flags and --config.
void AddKeywordFlags(ToolCli& cli, KeywordFlags* flags);

// What RunKeywords needs, resolved.
struct KeywordSetup {
  KeywordOptions options;
  HttpOptions http;
  KeywordSources sources;
};

// Widens a run's expansion by `steps` steps, for a search round that needs
// more queries (pix-run's later rounds pass --widen): each step adds a set of
// templates (WiderQueryTemplates; when templates are on), follows WordNet one
// level deeper (when it is on), and doubles the model's count and the
// per-label cap (when set). Steps past the last template set still deepen
// the other sources.
void WidenKeywordOptions(int steps, KeywordOptions* options);

// The layers combined. `input_given`: records come from -i (so dataset.yaml's
// classes do not replace the input).
Result<KeywordSetup> ResolveKeywordOptions(const KeywordFlags& flags, bool input_given,
                                           const EnvLookup& env);

}  // namespace pix
