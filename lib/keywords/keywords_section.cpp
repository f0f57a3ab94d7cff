#include "keywords/keywords_section.h"

#include "config/shared_keys.h"
#include "keywords/query_template.h"
#include "text/wordnet.h"

namespace pix {
namespace {

Status CheckTemplates(const YamlMap& s, const std::vector<std::string>& templates) {
  for (const std::string& t : templates) {
    Status ok = CheckQueryTemplate(t);
    if (!ok.ok()) return s.Error(s.Node("templates"), "templates", ok.message());
  }
  return Status::Ok();
}

Status ParseWordNet(const YamlMap& keywords, KeywordOptions::WordNetSettings* w) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, keywords.Child("wordnet"));
  PIX_RETURN_IF_ERROR(s.CheckKeys(
      {"enabled", "dir", "depth", "sense", "instances", "keep_ambiguous", "max_terms"}));
  PIX_RETURN_IF_ERROR(s.Get("enabled", &w->enabled));
  PIX_RETURN_IF_ERROR(s.Get("dir", &w->dir));
  PIX_RETURN_IF_ERROR(s.Get("depth", &w->expand.depth, 0, 20));
  PIX_RETURN_IF_ERROR(GetWordNetSense(s, "sense", &w->expand.sense));
  PIX_RETURN_IF_ERROR(s.Get("instances", &w->expand.instances));
  PIX_RETURN_IF_ERROR(s.Get("keep_ambiguous", &w->expand.keep_ambiguous));
  PIX_RETURN_IF_ERROR(s.Get("max_terms", &w->expand.max_terms, 1000000));
  return Status::Ok();
}

Status ParseLlm(const YamlMap& keywords, KeywordOptions::LlmSettings* l) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, keywords.Child("llm"));
  PIX_RETURN_IF_ERROR(s.CheckKeys({"enabled", "count", "prompt", "system", PIX_LLM_ENDPOINT_KEYS}));
  PIX_RETURN_IF_ERROR(s.Get("enabled", &l->enabled));
  PIX_RETURN_IF_ERROR(s.Get("count", &l->count, 1, 1000));
  PIX_RETURN_IF_ERROR(s.Get("prompt", &l->prompt));
  if (l->prompt.find("{label}") == std::string::npos) {
    return s.Error(s.Node("prompt"), "prompt", "the prompt has no {label} placeholder");
  }
  PIX_RETURN_IF_ERROR(s.Get("system", &l->system));
  return ParseLlmEndpointKeys(s, &l->client);
}

}  // namespace

Result<KeywordOptions> ParseKeywordsSection(const DatasetConfig& config) {
  KeywordOptions k;
  k.llm.client = config.llm;
  PIX_ASSIGN_OR_RETURN(YamlMap s, config.StageSection("keywords"));
  PIX_RETURN_IF_ERROR(s.CheckKeys(
      {"include_label", "templates", "negative_terms", "max_queries_per_label", "wordnet", "llm"}));
  PIX_RETURN_IF_ERROR(s.Get("include_label", &k.include_label));
  PIX_RETURN_IF_ERROR(s.Get("templates", &k.templates));
  PIX_RETURN_IF_ERROR(CheckTemplates(s, k.templates));
  PIX_RETURN_IF_ERROR(s.Get("negative_terms", &k.negative_terms));
  PIX_RETURN_IF_ERROR(s.Get("max_queries_per_label", &k.max_queries_per_label, 1000000));
  PIX_RETURN_IF_ERROR(ParseWordNet(s, &k.wordnet));
  PIX_RETURN_IF_ERROR(ParseLlm(s, &k.llm));
  return k;
}

}  // namespace pix
