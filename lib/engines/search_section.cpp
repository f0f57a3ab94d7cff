#include "engines/search_section.h"

#include "engines/licenses.h"
#include "engines/registry.h"
#include "engines/search_settings.h"

namespace pix {
namespace {

// engine_options: {ENGINE: {KEY: VALUE, ...}, ...}; api_key_env and
// client_secret_env name the variables that hold keys and secrets, since
// config files must not hold them (SetEngineSetting refuses secrets).
Status ParseEngineOptions(const YamlMap& search, SearchOptions* options) {
  const YAML::Node node = search.Node("engine_options");
  if (!node || node.IsNull()) return Status::Ok();
  if (!node.IsMap()) return search.Error(node, "engine_options", "expected a mapping of engines");
  for (const auto& engine : node) {
    const std::string name = engine.first.Scalar();
    const std::string key_path = "engine_options." + name;
    auto def = EngineByName(name);
    if (!def.ok()) return search.Error(engine.first, "engine_options", def.status().message());
    if (!engine.second.IsMap()) {
      return search.Error(engine.second, key_path, "expected a mapping of settings");
    }
    EngineConfig& config = options->engine_configs[name];
    for (const auto& setting : engine.second) {
      const std::string key = setting.first.Scalar();
      if (!setting.second.IsScalar()) {
        return search.Error(setting.second, key_path + "." + key, "expected a single value");
      }
      Status s = SetEngineSetting(**def, &config, key, setting.second.Scalar());
      if (!s.ok()) return search.Error(setting.first, key_path + "." + key, s.message());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SearchOptions> ParseSearchSection(const DatasetConfig& config) {
  SearchOptions o;
  PIX_ASSIGN_OR_RETURN(YamlMap s, config.StageSection("search"));
  PIX_RETURN_IF_ERROR(s.CheckKeys({"engines", "max", "every_engine", "stream", "types", "min_width",
                                   "min_height", "license", "safe", "engine_options"}));
  std::vector<std::string> list;
  if (s.Has("engines")) {
    PIX_RETURN_IF_ERROR(s.Get("engines", &list));
    o.engines = SplitCommaList(list);
    for (const std::string& name : o.engines) {
      auto def = EngineByName(name);
      if (!def.ok()) return s.Error(s.Node("engines"), "engines", def.status().message());
    }
  }
  PIX_RETURN_IF_ERROR(s.Get("max", &o.max_results, 100000));
  if (o.max_results == 0) return s.Error(s.Node("max"), "max", "must be at least 1");
  PIX_RETURN_IF_ERROR(s.Get("every_engine", &o.every_engine));
  PIX_RETURN_IF_ERROR(s.Get("stream", &o.stream));
  if (s.Has("types")) {
    PIX_RETURN_IF_ERROR(s.Get("types", &list));
    auto types = ParseFileTypes(list);
    if (!types.ok()) return s.Error(s.Node("types"), "types", types.status().message());
    o.filters.types = *types;
  }
  PIX_RETURN_IF_ERROR(s.Get("min_width", &o.filters.min_width, 0, 1 << 20));
  PIX_RETURN_IF_ERROR(s.Get("min_height", &o.filters.min_height, 0, 1 << 20));
  if (s.Has("license")) {
    PIX_RETURN_IF_ERROR(s.Get("license", &list));
    auto licenses = ExpandLicenseFilter(SplitCommaList(list));
    if (!licenses.ok()) return s.Error(s.Node("license"), "license", licenses.status().message());
    o.filters.licenses = *licenses;
  }
  if (s.Has("safe")) {
    std::string safe;
    PIX_RETURN_IF_ERROR(s.Get("safe", &safe));
    auto parsed = ParseSafeSearch(safe);
    if (!parsed.ok()) return s.Error(s.Node("safe"), "safe", parsed.status().message());
    o.filters.safe = *parsed;
  }
  PIX_RETURN_IF_ERROR(ParseEngineOptions(s, &o));
  return o;
}

}  // namespace pix
