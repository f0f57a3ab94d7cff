#include "config/dataset_config.h"

#include <fmt/format.h>

#include "base/files.h"
#include "config/sections.h"
#include "text/query_text.h"

namespace pix {
namespace {

Status ParseName(const YamlMap& top, DatasetConfig* config) {
  return top.Get("name", &config->name);
}

// The sections in the order they are parsed. A new stage adds one line.
struct Section {
  const char* key;
  Status (*parse)(const YamlMap& top, DatasetConfig* config);
};
constexpr Section kSections[] = {
    {"name", ParseName},
    {"classes", ParseClassesSection},
    {"llm", ParseLlmSection},
    {"targets", ParseTargetsSection},
    {"network", ParseNetworkSection},
    {"download", ParseDownloadSection},
    {"dedup", ParseDedupSection},
    {"labelling", ParseLabellingSection},
    {"output", ParseOutputSection},
};

// The sections a stage module parses (see StageSection()); here only their
// names, so the top-level key check knows them.
constexpr const char* kStageSections[] = {"keywords", "search", "validate"};

}  // namespace

const DatasetClass* FindDatasetClass(const std::vector<DatasetClass>& classes,
                                     std::string_view label) {
  const std::string key = FoldQuery(label);
  for (const DatasetClass& c : classes) {
    if (FoldQuery(c.label) == key) return &c;
  }
  return nullptr;
}

const DatasetClass* DatasetConfig::FindClass(std::string_view label) const {
  return FindDatasetClass(classes, label);
}

Result<YamlMap> DatasetConfig::StageSection(std::string_view key) const {
  PIX_ASSIGN_OR_RETURN(YamlMap top, YamlMap::Of(root, path, ""));
  return top.Child(key);
}

Result<DatasetConfig> ParseDatasetConfig(std::string_view yaml, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // yaml-cpp's what() repeats the position; its msg is the bare reason.
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: invalid YAML: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  PIX_ASSIGN_OR_RETURN(YamlMap top, YamlMap::Of(root, file, ""));
  std::vector<std::string_view> keys;
  for (const Section& s : kSections) keys.push_back(s.key);
  for (const char* key : kStageSections) keys.push_back(key);
  PIX_RETURN_IF_ERROR(top.CheckKeys(keys));
  DatasetConfig config;
  config.path = file;
  config.root = root;
  try {
    for (const Section& s : kSections) PIX_RETURN_IF_ERROR(s.parse(top, &config));
  } catch (const YAML::Exception& e) {  // a conversion the helpers did not foresee
    return Status::InvalidArgument(
        fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return config;
}

Result<DatasetConfig> LoadDatasetConfig(const std::string& path) {
  // A config file that cannot be read is a config error (exit 2) in every
  // tool, like one that does not parse.
  auto text = ReadFile(path);
  if (!text.ok()) return Status::InvalidArgument(text.status().message());
  return ParseDatasetConfig(*text, path);
}

}  // namespace pix
