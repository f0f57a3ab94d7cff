// The section parsers of the sections lib/config reads itself (the stages'
// own sections are parsed in their modules: config/dataset_config.h). Each
// reads its mapping into DatasetConfig; they run in the order of kSections in
// dataset_config.cpp (not the file's order). Internal to lib/config.
#pragma once

#include "base/status.h"
#include "config/dataset_config.h"
#include "config/shared_keys.h"
#include "config/yaml_map.h"

namespace pix {

Status ParseClassesSection(const YamlMap& top, DatasetConfig* config);
Status ParseLlmSection(const YamlMap& top, DatasetConfig* config);
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

}  // namespace pix
