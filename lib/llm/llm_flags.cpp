#include "llm/llm_flags.h"

namespace pix {
namespace {

// "~/x" -> "$HOME/x".
std::string ExpandHome(const std::string& path, const EnvLookup& env) {
  if (path.rfind("~/", 0) == 0 && !env("HOME").empty()) return env("HOME") + path.substr(1);
  return path;
}

std::string DefaultCacheDir(const EnvLookup& env) {
  if (!env("XDG_CACHE_HOME").empty()) return env("XDG_CACHE_HOME") + "/pixcrawler/llm";
  if (!env("HOME").empty()) return env("HOME") + "/.cache/pixcrawler/llm";
  return "";
}

}  // namespace

void AddLlmFlags(ToolCli& cli, LlmFlags* f) {
  CLI::App& app = cli.app();
  app.add_option("--llm-provider", f->provider,
                 "Protocol: openai (also Ollama, llama.cpp, vLLM) or anthropic")
      ->type_name("NAME")
      ->check(CLI::IsMember({"openai", "anthropic"}));
  app.add_option("--llm-base-url", f->base_url,
                 "API base URL, e.g. http://127.0.0.1:11434/v1 (env PIX_LLM_BASE_URL)")
      ->type_name("URL");
  app.add_option("--llm-model", f->model, "Model name")->type_name("NAME");
  app.add_option("--llm-key-env", f->key_env,
                 "Environment variable holding the API key (sent to any base URL; the default "
                 "OPENAI_API_KEY/ANTHROPIC_API_KEY only to the provider's own API)")
      ->type_name("VAR");
  app.add_option("--llm-max-tokens", f->max_tokens,
                 "Longest answer in tokens, reasoning included (default 1024)")
      ->type_name("N")
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("--llm-token-field", f->token_field,
                 "Field for the token limit: auto (max_completion_tokens at api.openai.com, else "
                 "max_tokens), max_tokens or max_completion_tokens")
      ->type_name("NAME")
      ->check(CLI::IsMember({"auto", "max_tokens", "max_completion_tokens"}));
  app.add_option_function<double>(
         "--llm-temperature", [f](const double& value) { f->temperature = value; },
         "Sampling temperature, 0..2 (Anthropic 0..1; default: none sent)")
      ->type_name("X");
  app.add_option(
         "--llm-reasoning-effort", f->reasoning_effort,
         "openai protocol: reasoning effort of reasoning models (minimal, low, medium, high)")
      ->type_name("LEVEL");
  app.add_option("--llm-cache", f->cache_dir,
                 "Cache answers in DIR (default ~/.cache/pixcrawler/llm)")
      ->type_name("DIR");
  app.add_flag("--no-llm-cache", f->no_cache, "Neither read nor write cached answers");
}

Status LlmFlags::ApplyTo(LlmConfig* config, bool enabled, const EnvLookup& env) const {
  LlmEndpoint& endpoint = config->endpoint;
  if (!provider.empty()) {
    PIX_ASSIGN_OR_RETURN(endpoint.protocol, ParseLlmProtocol(provider));
  }
  if (!env("PIX_LLM_BASE_URL").empty()) endpoint.base_url = env("PIX_LLM_BASE_URL");
  if (!base_url.empty()) endpoint.base_url = base_url;
  if (!model.empty()) endpoint.model = model;
  if (!key_env.empty()) endpoint.api_key_env = key_env;
  if (max_tokens >= 0) endpoint.max_tokens = max_tokens;
  if (!token_field.empty()) {
    PIX_ASSIGN_OR_RETURN(endpoint.token_limit_field, ParseTokenLimitField(token_field));
  }
  if (temperature) endpoint.temperature = temperature;
  if (!reasoning_effort.empty()) endpoint.reasoning_effort = reasoning_effort;
  PIX_RETURN_IF_ERROR(endpoint.Check());
  std::string& cache = config->cache_dir;
  if (!cache_dir.empty()) cache = cache_dir;
  cache = no_cache ? "" : cache.empty() ? DefaultCacheDir(env) : ExpandHome(cache, env);
  if (enabled) {
    // A variable the user named must exist and goes wherever the base URL
    // points; the default one may be unset (local servers need no key) and
    // goes only to the provider's own API.
    if (!endpoint.api_key_env.empty()) {
      endpoint.api_key = env(endpoint.api_key_env);
      if (endpoint.api_key.empty()) {
        return Status::InvalidArgument("the API key variable " + endpoint.api_key_env +
                                       " is not set");
      }
    } else {
      endpoint.api_key = endpoint.IsProviderHost() ? env(endpoint.EffectiveApiKeyEnv()) : "";
    }
  }
  return Status::Ok();
}

}  // namespace pix
