// Readers for keys that more than one dataset.yaml section has: the
// language-model endpoint keys (`llm:` and the stage sections that override
// it) and a WordNet sense (`classes:` and `keywords.wordnet`). Used by the
// section parsers here and by the stage modules that parse their own section
// (config/dataset_config.h). Errors are kInvalidArgument with the file, line
// and key, like every YamlMap reader. Thread-safety: reentrant.
#pragma once

#include <string_view>

#include "base/status.h"
#include "config/yaml_map.h"
#include "llm/chat_client.h"

namespace pix {

// Reads a WordNet sense ("auto" or a number from 1) at `key`.
Status GetWordNetSense(const YamlMap& section, std::string_view key, int* sense);

// Reads the endpoint keys (provider, base_url, model, ...) of `section`
// over `config`; used by `llm` and by stage sections that override it.
Status ParseLlmEndpointKeys(const YamlMap& section, LlmConfig* config);
// The endpoint keys, for CheckKeys() of sections that embed them.
#define PIX_LLM_ENDPOINT_KEYS                                                                 \
  "provider", "base_url", "model", "api_key_env", "max_tokens", "token_field", "temperature", \
      "reasoning_effort", "json_mode", "timeout", "cache_dir"

}  // namespace pix
