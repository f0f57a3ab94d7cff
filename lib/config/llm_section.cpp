// dataset.yaml `llm:`: the language-model endpoint stages share.
#include "config/sections.h"

namespace pix {

Status ParseLlmEndpointKeys(const YamlMap& s, LlmConfig* config) {
  LlmEndpoint& e = config->endpoint;
  if (s.Has("provider")) {
    std::string name;
    PIX_RETURN_IF_ERROR(s.Get("provider", &name));
    auto protocol = ParseLlmProtocol(name);
    if (!protocol.ok()) return s.Error(s.Node("provider"), "provider", protocol.status().message());
    e.protocol = *protocol;
  }
  PIX_RETURN_IF_ERROR(s.Get("base_url", &e.base_url));
  if (!e.base_url.empty() && e.base_url.rfind("http://", 0) != 0 &&
      e.base_url.rfind("https://", 0) != 0) {
    return s.Error(s.Node("base_url"), "base_url", "expected an http:// or https:// URL");
  }
  PIX_RETURN_IF_ERROR(s.Get("model", &e.model));
  PIX_RETURN_IF_ERROR(s.Get("api_key_env", &e.api_key_env));
  PIX_RETURN_IF_ERROR(s.Get("max_tokens", &e.max_tokens, 0, 1 << 20));
  if (s.Has("token_field")) {
    std::string name;
    PIX_RETURN_IF_ERROR(s.Get("token_field", &name));
    auto field = ParseTokenLimitField(name);
    if (!field.ok()) return s.Error(s.Node("token_field"), "token_field", field.status().message());
    e.token_limit_field = *field;
  }
  PIX_RETURN_IF_ERROR(s.Get("temperature", &e.temperature, 0.0, 2.0));
  PIX_RETURN_IF_ERROR(s.Get("reasoning_effort", &e.reasoning_effort));
  // Values that cannot work with the provider, reported at their line (the
  // tools check the final settings again after the flags).
  if (Status checked = e.Check(); !checked.ok()) {
    const char* key =
        checked.message().rfind("temperature", 0) == 0 ? "temperature" : "reasoning_effort";
    if (s.Has(key)) return s.Error(s.Node(key), key, checked.message());
  }
  PIX_RETURN_IF_ERROR(s.Get("json_mode", &e.json_mode));
  PIX_RETURN_IF_ERROR(s.Get("timeout", &e.timeout));
  PIX_RETURN_IF_ERROR(s.Get("cache_dir", &config->cache_dir));
  return Status::Ok();
}

Status ParseLlmSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("llm"));
  PIX_RETURN_IF_ERROR(s.CheckKeys({PIX_LLM_ENDPOINT_KEYS}));
  return ParseLlmEndpointKeys(s, &config->llm);
}

}  // namespace pix
