// The command-line flags of every tool that asks a language model
// (pix-keywords, pix-validate's AI judge), defined once so they mean the
// same everywhere: --llm-provider, --llm-base-url, --llm-model,
// --llm-key-env, --llm-cache and --no-llm-cache.
//
// Flags override what dataset.yaml's `llm:` section set. The environment is
// read only through the lookup the tool passes in (library code never reads
// it): PIX_LLM_BASE_URL (below --llm-base-url), the API key variable, and
// XDG_CACHE_HOME / HOME for the default cache directory
// ($XDG_CACHE_HOME/pixcrawler/llm, else ~/.cache/pixcrawler/llm).
// Thread-safety: values. Failure: kInvalidArgument when a key variable the
// user named is not set.
#pragma once

#include <functional>
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
  std::string cache_dir;
  bool no_cache = false;

  // Applies the flags over `config`. With `enabled`, also reads the API key
  // into config->endpoint.api_key.
  Status ApplyTo(LlmConfig* config, bool enabled, const EnvLookup& env) const;
};

void AddLlmFlags(ToolCli& cli, LlmFlags* flags);

}  // namespace pix
