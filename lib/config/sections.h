// The section parsers of dataset.yaml, one per top-level key. Each reads its
// mapping into DatasetConfig; they run in the order of kSections in
// dataset_config.cpp (not the file's order), so `llm` is read before the
// stage sections that start from it. Internal to lib/config.
#pragma once

#include "base/status.h"
#include "config/dataset_config.h"
#include "config/yaml_map.h"

namespace pix {

Status ParseClassesSection(const YamlMap& top, DatasetConfig* config);
Status ParseLlmSection(const YamlMap& top, DatasetConfig* config);
Status ParseKeywordsSection(const YamlMap& top, DatasetConfig* config);
Status ParseSearchSection(const YamlMap& top, DatasetConfig* config);
Status ParseValidateSection(const YamlMap& top, DatasetConfig* config);
// pix-run's sections (stage_flag_sections.cpp, run_sections.cpp).
Status ParseTargetsSection(const YamlMap& top, DatasetConfig* config);
Status ParseNetworkSection(const YamlMap& top, DatasetConfig* config);
Status ParseDownloadSection(const YamlMap& top, DatasetConfig* config);
Status ParseDedupSection(const YamlMap& top, DatasetConfig* config);
Status ParseLabellingSection(const YamlMap& top, DatasetConfig* config);
Status ParseOutputSection(const YamlMap& top, DatasetConfig* config);
// pix-pack's keys in `output:` (stage_flag_sections.cpp), for ParseOutputSection.
Status ParsePackKeys(const YamlMap& output, DatasetConfig* config);
std::vector<std::string_view> PackKeyNames();

// Reads a WordNet sense ("auto" or a number from 1) at `key`.
Status GetWordNetSense(const YamlMap& section, std::string_view key, int* sense);

// Reads the endpoint keys (provider, base_url, model, ...) of `section`
// over `config`; used by `llm` and by stage sections that override it.
Status ParseLlmEndpointKeys(const YamlMap& section, LlmConfig* config);
// The endpoint keys, for CheckKeys() of sections that embed them.
#define PIX_LLM_ENDPOINT_KEYS                                                              \
  "provider", "base_url", "model", "api_key_env", "max_tokens", "token_field", "temperature", \
      "reasoning_effort", "json_mode", "timeout", "cache_dir"

}  // namespace pix
