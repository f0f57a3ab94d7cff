#include "engines/registry.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace pix {

const std::vector<const EngineDef*>& AllEngines() {
#define PIX_ENGINE_ENTRY(Name) &k##Name##Engine,
  static const std::vector<const EngineDef*> engines = {PIX_ENGINES(PIX_ENGINE_ENTRY)};
#undef PIX_ENGINE_ENTRY
  return engines;
}

const EngineDef* FindEngine(std::string_view name) {
  for (const EngineDef* e : AllEngines()) {
    if (name == e->name) return e;
  }
  return nullptr;
}

std::string EngineNames() {
  std::string out;
  for (const EngineDef* e : AllEngines()) out += (out.empty() ? "" : ", ") + std::string(e->name);
  return out;
}

std::string EngineEnvVariable(std::string_view engine, std::string_view key) {
  std::string name = "PIX_ENGINE_";
  for (std::string_view part : {engine, std::string_view("_"), key}) {
    for (char c : part)
      name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

const std::vector<EngineParam>& CommonEngineParams() {
  static const std::vector<EngineParam> params = {
      {"base_url",
       "where the source is, scheme://host[:port][/prefix] (for mirrors, proxies, tests)"},
      {"user_agent", "the User-Agent sent to this source"},
      {"api_key", "API key or token"},
      {"api_key_env",
       "the environment variable holding api_key (config files name it instead of holding keys)"},
      {"concurrency", "requests in flight at once"},
      {"interval", "seconds between two request starts"},
  };
  return params;
}

Status SetEngineSetting(const EngineDef& engine, EngineConfig* config, std::string_view key,
                        std::string_view value) {
  const std::string v(value);
  if (key == "base_url") {
    config->base_url = v;
    while (!config->base_url.empty() && config->base_url.back() == '/') config->base_url.pop_back();
  } else if (key == "user_agent") {
    config->user_agent = v;
  } else if (key == "api_key") {
    config->api_key = v;
  } else if (key == "api_key_env") {
    config->api_key_env = v;
  } else if (key == "concurrency") {
    int n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 64) {
      return Status::InvalidArgument(
          fmt::format("{}.concurrency: '{}' is not a number from 1 to 64", engine.name, v));
    }
    config->concurrency = n;
  } else if (key == "interval") {
    char* end = nullptr;
    const double s = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !std::isfinite(s) || s < 0 || s > 3600) {
      return Status::InvalidArgument(fmt::format(
          "{}.interval: '{}' is not a number of seconds from 0 to 3600", engine.name, v));
    }
    config->interval_s = s;
  } else {
    for (const EngineParam& p : engine.params) {
      if (key == p.key && p.secret) {
        return Status::InvalidArgument(fmt::format(
            "{}.{} is a secret and is read from the environment only: set {}, or name the "
            "variable that holds it with {}.{}_env",
            engine.name, key, EngineEnvVariable(engine.name, key), engine.name, key));
      }
      if (key == p.key) {
        config->params[std::string(key)] = v;
        return Status::Ok();
      }
    }
    std::string known;
    for (const auto* list : {&CommonEngineParams(), &engine.params}) {
      for (const EngineParam& p : *list) known += (known.empty() ? "" : ", ") + std::string(p.key);
    }
    return Status::InvalidArgument(
        fmt::format("{} has no setting '{}' (it has: {})", engine.name, key, known));
  }
  return Status::Ok();
}

Result<EngineConfig> ResolveEngineConfig(const EngineDef& engine, EngineConfig config) {
  if (config.base_url.empty() && engine.default_base_url) config.base_url = engine.default_base_url;
  if (config.base_url.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{} has no default address: give one with --base-url {}=URL (or {}, or "
        "search.engine_options.{}.base_url in the config)",
        engine.name, engine.name, EngineEnvVariable(engine.name, "base_url"), engine.name));
  }
  if (config.base_url.rfind("http://", 0) != 0 && config.base_url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument(
        fmt::format("{}.base_url: '{}' is not an http or https URL", engine.name, config.base_url));
  }
  if (config.concurrency <= 0) config.concurrency = engine.concurrency;
  if (config.interval_s < 0) config.interval_s = engine.interval_s;
  if (engine.validate) {
    Status s = engine.validate(config);
    if (!s.ok()) return s;
  }
  return config;
}

}  // namespace pix
