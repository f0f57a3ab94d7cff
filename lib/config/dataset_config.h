// DatasetConfig: dataset.yaml, the one file that describes a dataset run,
// read into plain structs whose defaults are those of the library headers
// they come from (KeywordOptions, LlmConfig, ...). The format is documented
// in man/pix-dataset.5; examples/dataset.yaml is a complete example.
//
// The file has one section per concern: `name`, `classes`, `llm` (the
// language-model endpoint every stage shares), pix-run's sections (targets,
// the stages' flags, output: config/stage_settings.h) and one section per
// stage that has its own settings (`keywords`, `search`, `validate`). This
// module reads the first kind; a stage module parses its own section from
// StageSection() (keywords/keywords_section.h, engines/search_section.h,
// validate/validate_section.h), so config never includes a stage. Adding a
// stage section: one key in kStageSections (dataset_config.cpp) and a parser
// in the stage's folder. Unknown keys are errors, so a typo fails loudly
// instead of being ignored: at the top level here, inside a stage section
// when its stage (or `pix-run check`, which parses them all) reads it.
//
// Failure modes: kNotFound/kIoError for an unreadable file; kInvalidArgument
// for YAML syntax errors and bad values, with "file:line:column: key.path:"
// in the message. Library code: reads the file, never the environment (an
// API key is named by `llm.api_key_env` and read by the tool).
// Thread-safety: values; Load/Parse are reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/dataset_class.h"
#include "config/stage_settings.h"
#include "config/yaml_map.h"
#include "llm/chat_client.h"

namespace pix {

struct DatasetConfig {
  std::string path;  // the file read, for messages
  // The dataset's name (used by later stages for directories and archives).
  std::string name;
  // In file order; labels are unique (compared case- and space-folded).
  std::vector<DatasetClass> classes;
  // The default language-model endpoint; stage sections may override it.
  LlmConfig llm;
  // pix-run: what to aim for, the stages' flags, where the dataset goes.
  TargetsConfig targets;
  StageFlags network;    // every stage that goes on the network
  StageFlags download;   // pix-fetch
  DedupRunConfig dedup;  // pix-dedup
  StageFlags labelling;  // pix-label
  OutputConfig output;

  // The class whose label folds to `label`'s, or nullptr.
  const DatasetClass* FindClass(std::string_view label) const;

  // The mapping a stage module parses itself (`key` is one of
  // kStageSections: "keywords", "search", "validate"); an empty one when the
  // file has no such section. Errors name the file, line and key.
  Result<YamlMap> StageSection(std::string_view key) const;

  YAML::Node root;  // the whole file as read, for StageSection()
};

// Reads and parses `path`.
Result<DatasetConfig> LoadDatasetConfig(const std::string& path);
// Parses YAML text; `file` names it in messages.
Result<DatasetConfig> ParseDatasetConfig(std::string_view yaml, const std::string& file);

}  // namespace pix
