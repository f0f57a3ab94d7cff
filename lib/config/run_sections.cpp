// dataset.yaml `targets:` and `output:`, read by pix-run (see
// config/stage_settings.h and man/pix-dataset.5).
#include "config/sections.h"

namespace pix {

Status ParseTargetsSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("targets"));
  PIX_RETURN_IF_ERROR(s.CheckKeys({"images_per_class", "rounds"}));
  PIX_RETURN_IF_ERROR(
      s.Get("images_per_class", &config->targets.images_per_class, size_t{100000000}));
  PIX_RETURN_IF_ERROR(s.Get("rounds", &config->targets.rounds, size_t{16}));
  if (config->targets.rounds == 0) {
    return s.Error(s.Node("rounds"), "rounds", "must be at least 1 (1 searches once)");
  }
  return Status::Ok();
}

Status ParseOutputSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("output"));
  std::vector<std::string_view> keys = PackKeyNames();
  keys.insert(keys.end(), {"dir", "store"});
  PIX_RETURN_IF_ERROR(s.CheckKeys(keys));
  PIX_RETURN_IF_ERROR(s.Get("dir", &config->output.dir));
  PIX_RETURN_IF_ERROR(s.Get("store", &config->output.store));
  return ParsePackKeys(s, config);
}

}  // namespace pix
