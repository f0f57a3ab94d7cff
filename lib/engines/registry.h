// The engine registry: every engine pix-search knows, by name, and the
// settings every engine shares (base_url, user_agent, api_key, concurrency,
// interval) next to each engine's own keys.
//
// Adding an engine: one file in lib/engines/ that defines k<Name>Engine, and
// its name in PIX_ENGINES below. Thread-safety: immutable after start-up.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engines/engine.h"

#define PIX_ENGINES(X) \
  X(DuckDuckGo)        \
  X(Bing)              \
  X(Google)            \
  X(Wikimedia)         \
  X(Openverse)         \
  X(Flickr)            \
  X(Searxng)

namespace pix {

#define PIX_DECLARE_ENGINE(Name) extern const EngineDef k##Name##Engine;
PIX_ENGINES(PIX_DECLARE_ENGINE)
#undef PIX_DECLARE_ENGINE

// Every engine, in registry order.
const std::vector<const EngineDef*>& AllEngines();
// The engine called `name`, or nullptr.
const EngineDef* FindEngine(std::string_view name);
// "duckduckgo, bing, google, ..." for messages.
std::string EngineNames();

// "PIX_ENGINE_<ENGINE>_<KEY>", the environment variable of a setting.
std::string EngineEnvVariable(std::string_view engine, std::string_view key);

// The settings every engine accepts besides its own params.
const std::vector<EngineParam>& CommonEngineParams();

// Sets one setting by key: a common one or one of `engine.params`. Fails on
// an unknown key, a malformed number, or a secret param (EngineParam::secret),
// which only the environment may set (ResolveSearchOptions does).
Status SetEngineSetting(const EngineDef& engine, EngineConfig* config, std::string_view key,
                        std::string_view value);

// `config` with the engine's defaults filled in (base URL, concurrency,
// interval), checked by the engine's validate().
Result<EngineConfig> ResolveEngineConfig(const EngineDef& engine, EngineConfig config);

}  // namespace pix
