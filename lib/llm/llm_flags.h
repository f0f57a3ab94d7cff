// The command-line flags of every tool that asks a language model
// (pix-keywords, pix-validate's AI judge), defined once so they mean the
// same everywhere: --llm-provider, --llm-base-url, --llm-model,
// --llm-key-env, --llm-max-tokens, --llm-token-field, --llm-temperature,
// --llm-reasoning-effort, --llm-cache and --no-llm-cache.
//
// Flags override what dataset.yaml's `llm:` section set. The environment is
// read only through the lookup the tool passes in (library code never reads
// it): PIX_LLM_BASE_URL (below --llm-base-url), the API key variable, and
// XDG_CACHE_HOME / HOME for the default cache directory
// ($XDG_CACHE_HOME/pixcrawler/llm, else ~/.cache/pixcrawler/llm).
//
// The API key: a variable the user named (--llm-key-env, llm.api_key_env) is
// sent to whatever base URL is set. The provider's default variable
// (OPENAI_API_KEY, ANTHROPIC_API_KEY) is read only when the base URL is
// that provider's own API (LlmEndpoint::IsProviderHost), so a key meant for
// OpenAI never reaches a LAN model server or a proxy by accident.
// Thread-safety: values. Failure: kInvalidArgument when a key variable the
// user named is not set, or the settings cannot work (LlmEndpoint::Check).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/cli.h"
#include "base/env.h"
#include "base/status.h"
#include "llm/chat_client.h"

namespace pix {

struct LlmFlags {
  std::string provider;
  std::string base_url;
  std::string model;
  std::string key_env;
  int max_tokens = -1;  // -1: not given
  std::string token_field;
  std::optional<double> temperature;
  std::string reasoning_effort;
  std::string cache_dir;
  bool no_cache = false;

  // Applies the flags over `config`. With `enabled`, also reads the API key
  // into config->endpoint.api_key.
  Status ApplyTo(LlmConfig* config, bool enabled, const EnvLookup& env) const;
};

void AddLlmFlags(ToolCli& cli, LlmFlags* flags);

}  // namespace pix
