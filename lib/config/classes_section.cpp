// dataset.yaml `classes:`: a list whose items are a label or a mapping.
#include <fmt/format.h>

#include "config/sections.h"
#include "text/query_text.h"
#include "text/wordnet.h"

namespace pix {
namespace {

Status ParseClass(const YAML::Node& item, const YamlMap& top, DatasetClass* out) {
  out->line = item.Mark().line + 1;
  if (item.IsScalar()) {
    out->label = item.Scalar();
    return Status::Ok();
  }
  PIX_ASSIGN_OR_RETURN(YamlMap c, YamlMap::Of(item, top.file(), "classes[]"));
  if (!item.IsMap()) return top.Error(item, "classes", "expected a label or a mapping");
  PIX_RETURN_IF_ERROR(c.CheckKeys({"label", "extra_terms", "negative_terms", "wordnet_sense"}));
  if (!c.Has("label")) return top.Error(item, "classes", "a class mapping needs a label");
  PIX_RETURN_IF_ERROR(c.Get("label", &out->label));
  PIX_RETURN_IF_ERROR(c.Get("extra_terms", &out->extra_terms));
  PIX_RETURN_IF_ERROR(c.Get("negative_terms", &out->negative_terms));
  if (c.Has("wordnet_sense")) {
    int sense = kAutoSense;
    PIX_RETURN_IF_ERROR(GetWordNetSense(c, "wordnet_sense", &sense));
    out->wordnet_sense = sense;
  }
  return Status::Ok();
}

}  // namespace

Status ParseClassesSection(const YamlMap& top, DatasetConfig* config) {
  const YAML::Node list = top.Node("classes");
  if (!list || list.IsNull()) return Status::Ok();
  if (!list.IsSequence()) {
    return top.Error(list, "classes", "expected a list of classes (lines starting with \"- \")");
  }
  for (const YAML::Node& item : list) {
    DatasetClass c;
    PIX_RETURN_IF_ERROR(ParseClass(item, top, &c));
    c.label = NormalizeQuery(c.label);
    if (c.label.empty()) return top.Error(item, "classes", "a class label is empty");
    if (const DatasetClass* before = config->FindClass(c.label)) {
      return top.Error(
          item, "classes",
          fmt::format("class \"{}\" is listed twice (first on line {})", c.label, before->line));
    }
    config->classes.push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace pix
