#include "engines/search_settings.h"

#include <fmt/format.h>

#include "config/dataset_config.h"
#include "engines/licenses.h"
#include "engines/registry.h"
#include "engines/search_section.h"

namespace pix {
namespace {

constexpr const char* kTypes[] = {"jpg", "png", "gif",  "webp", "bmp",
                                  "svg", "tif", "avif", "heic", "ico"};

}  // namespace

std::vector<std::string> SplitCommaList(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    size_t pos = 0;
    while (pos <= item.size()) {
      const size_t comma = std::min(item.find(',', pos), item.size());
      std::string part = item.substr(pos, comma - pos);
      while (!part.empty() && part.front() == ' ') part.erase(0, 1);
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (!part.empty()) out.push_back(part);
      pos = comma + 1;
    }
  }
  return out;
}

Result<std::vector<std::string>> ParseFileTypes(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (std::string t : SplitCommaList(items)) {
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t == "jpeg") t = "jpg";
    if (t == "tiff") t = "tif";
    if (std::find(std::begin(kTypes), std::end(kTypes), t) == std::end(kTypes)) {
      return Status::InvalidArgument(fmt::format(
          "unknown file type '{}' (types: jpg, png, gif, webp, bmp, svg, tif, avif, heic, ico)",
          t));
    }
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

Result<SafeSearch> ParseSafeSearch(const std::string& s) {
  if (s == "off") return SafeSearch::kOff;
  if (s == "moderate") return SafeSearch::kModerate;
  if (s == "strict") return SafeSearch::kStrict;
  return Status::InvalidArgument("safe search '" + s + "' is not off, moderate or strict");
}

Result<const EngineDef*> EngineByName(std::string_view name) {
  const EngineDef* def = FindEngine(name);
  if (!def) {
    return Status::InvalidArgument(
        fmt::format("unknown engine '{}' (engines: {})", name, EngineNames()));
  }
  return def;
}

namespace {

// ENGINE.KEY=VALUE (or, for --base-url, ENGINE=VALUE with key "base_url").
Status ApplyEngineSetting(std::string_view spec, bool base_url_only, SearchOptions* options) {
  const size_t eq = spec.find('=');
  const std::string_view lhs = spec.substr(0, eq);
  const size_t dot = base_url_only ? std::string_view::npos : lhs.find('.');
  if (eq == std::string_view::npos || (!base_url_only && dot == std::string_view::npos)) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not {}", spec, base_url_only ? "ENGINE=URL" : "ENGINE.KEY=VALUE"));
  }
  PIX_ASSIGN_OR_RETURN(const EngineDef* def, EngineByName(lhs.substr(0, dot)));
  const std::string_view key = base_url_only ? "base_url" : lhs.substr(dot + 1);
  return SetEngineSetting(*def, &options->engine_configs[def->name], key, spec.substr(eq + 1));
}

Status ApplyEnvironment(const EnvLookup& env, SearchOptions* options) {
  for (const EngineDef* def : AllEngines()) {
    for (const auto* params : {&CommonEngineParams(), &def->params}) {
      for (const EngineParam& p : *params) {
        const std::string var = EngineEnvVariable(def->name, p.key);
        if (const std::string value = env(var); !value.empty()) {
          if (p.secret) {  // the one place a secret may come from, besides <key>_env
            options->engine_configs[def->name].params[p.key] = value;
            continue;
          }
          Status s = SetEngineSetting(*def, &options->engine_configs[def->name], p.key, value);
          if (!s.ok()) return Status::InvalidArgument(var + ": " + s.message());
        }
      }
    }
  }
  return Status::Ok();
}

// Config files and flags name the variables that hold keys and secrets,
// never the values: api_key from api_key_env when no layer set api_key, and
// secret params (EngineParam::secret) from their "<key>_env" setting, where
// naming an unset variable is an error.
Status ReadSecrets(const EnvLookup& env, SearchOptions* options) {
  for (auto& [name, config] : options->engine_configs) {
    if (config.api_key.empty() && !config.api_key_env.empty()) {
      config.api_key = env(config.api_key_env);
    }
    const EngineDef* def = FindEngine(name);
    if (!def) continue;
    for (const EngineParam& p : def->params) {
      const std::string var = config.Param(std::string(p.key) + "_env");
      if (!p.secret || !config.Param(p.key).empty() || var.empty()) continue;
      config.params[p.key] = env(var);
      if (config.params[p.key].empty()) {
        return Status::InvalidArgument(fmt::format(
            "{}.{}_env names the variable {}, which is not set or empty", name, p.key, var));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

void AddSearchFlags(ToolCli& cli, SearchFlags* f, const SearchOptions& d) {
  CLI::App& app = cli.app();
  f->app = &app;
  std::string engines;
  for (const std::string& e : d.engines) engines += (engines.empty() ? "" : ",") + e;
  f->engines = engines;
  f->max = d.max_results;
  f->max_active_queries = static_cast<int>(d.max_active_queries);
  app.add_option("-e,--engines", f->engines,
                 "Engines to use, in priority order (see --list-engines)")
      ->type_name("LIST")
      ->capture_default_str();
  app.add_option("-n,--max", f->max, "Distinct image URLs wanted per query")
      ->type_name("N")
      ->check(Quiet(CLI::Range(size_t{1}, size_t{100000})))
      ->capture_default_str();
  app.add_flag("--every-engine", f->every_engine,
               "Ask every engine for --max results and merge, not only while results are missing");
  app.add_option("--types", f->types, "Keep only these file types (jpg,png,gif,webp,bmp,svg,...)")
      ->type_name("LIST");
  app.add_option("--min-width", f->min_width, "Drop results reported narrower than N pixels")
      ->type_name("N")
      ->check(Quiet(CLI::NonNegativeNumber));
  app.add_option("--min-height", f->min_height, "Drop results reported lower than N pixels")
      ->type_name("N")
      ->check(Quiet(CLI::NonNegativeNumber));
  app.add_option(
         "--license", f->licenses,
         "Keep only these licences (cc0,by,by-sa,... or public-domain, open, commercial, cc)")
      ->type_name("LIST");
  app.add_option("--safe", f->safe, "Safe search where the engine supports it")
      ->check(CLI::IsMember({"off", "moderate", "strict"}))
      ->type_name("LEVEL");
  app.add_option("--base-url", f->base_urls,
                 "Where an engine is: ENGINE=URL (mirror, proxy, test server); repeatable")
      ->type_name("ENGINE=URL");
  app.add_option("--engine-opt", f->engine_opts, "An engine setting: ENGINE.KEY=VALUE; repeatable")
      ->type_name("ENGINE.KEY=VALUE");
  app.add_flag("--stream", f->stream,
               "Write each query's URLs when it is done (found_by then lists earlier finds only)");
  app.add_option("--active-queries", f->max_active_queries, "Queries in progress at once")
      ->type_name("N")
      ->check(Quiet(CLI::Range(1, 100000)))
      ->capture_default_str();
  app.add_flag("--dry-run", f->dry_run,
               "Print the first request of each query and engine; send none");
  app.add_flag("--list-engines", f->list_engines,
               "List the engines, their defaults and settings, and exit");
  app.add_flag("--probe", f->probe,
               "Ask each engine (all, or --engines) one small query from this network, print "
               "which work (ok, blocked, bad_key, no_results, not_configured, failed) and exit: "
               "0 when at least one works");
  f->probe_query = "cat";
  app.add_option("--probe-query", f->probe_query, "The query --probe asks")
      ->type_name("TEXT")
      ->capture_default_str();
  app.add_option("--capture", f->capture,
                 "Save every engine response with its request (keys masked) in DIR, to turn "
                 "into test fixtures")
      ->type_name("DIR");
  cli.AddConfig(&f->config);
  AddNetworkFlags(cli, &f->network, d.http);
}

Result<SearchOptions> ResolveSearchOptions(const SearchFlags& f, const EnvLookup& env) {
  SearchOptions options;
  if (!f.config.empty()) {
    PIX_ASSIGN_OR_RETURN(DatasetConfig config, LoadDatasetConfig(f.config));
    PIX_ASSIGN_OR_RETURN(options, ParseSearchSection(config));
  }
  PIX_RETURN_IF_ERROR(ApplyEnvironment(env, &options));
  auto given = [&](const char* flag) { return f.app && f.app->count(flag) > 0; };
  if (given("--engines")) options.engines = SplitCommaList({f.engines});
  for (const std::string& name : options.engines) PIX_RETURN_IF_ERROR(EngineByName(name).status());
  if (given("--max")) options.max_results = f.max;
  if (given("--every-engine")) options.every_engine = f.every_engine;
  if (given("--stream")) options.stream = f.stream;
  if (given("--types")) {
    PIX_ASSIGN_OR_RETURN(options.filters.types, ParseFileTypes(f.types));
  }
  if (given("--min-width")) options.filters.min_width = f.min_width;
  if (given("--min-height")) options.filters.min_height = f.min_height;
  if (given("--license")) {
    PIX_ASSIGN_OR_RETURN(options.filters.licenses, ExpandLicenseFilter(SplitCommaList(f.licenses)));
  }
  if (given("--safe")) {
    PIX_ASSIGN_OR_RETURN(options.filters.safe, ParseSafeSearch(f.safe));
  }
  for (const std::string& spec : f.base_urls)
    PIX_RETURN_IF_ERROR(ApplyEngineSetting(spec, true, &options));
  for (const std::string& spec : f.engine_opts)
    PIX_RETURN_IF_ERROR(ApplyEngineSetting(spec, false, &options));
  PIX_RETURN_IF_ERROR(ReadSecrets(env, &options));
  options.dry_run = f.dry_run;
  options.capture_dir = f.capture;
  options.max_active_queries = static_cast<size_t>(f.max_active_queries);
  PIX_RETURN_IF_ERROR(f.network.ApplyTo(&options.http));
  // --user-agent, when given, is what every engine sends unless an engine has its own.
  if (given("--user-agent")) {
    for (const EngineDef* def : AllEngines()) {
      EngineConfig& config = options.engine_configs[def->name];
      if (config.user_agent.empty()) config.user_agent = f.network.user_agent;
    }
  }
  return options;
}

std::string DescribeEngines() {
  std::string out;
  for (const EngineDef* e : AllEngines()) {
    out += fmt::format(
        "{}\n  {}\n  base_url {}; {} request(s) at a time, {} s apart; at most {} "
        "results a query; licences: {}\n",
        e->name, e->summary, e->default_base_url ? e->default_base_url : "(none: required)",
        e->concurrency, e->interval_s, e->max_results, e->reports_license ? "yes" : "no");
    for (const EngineParam& p : e->params)
      out += fmt::format("  {}.{}: {}\n", e->name, p.key, p.help);
  }
  out += "\nEvery engine also takes:";
  for (const EngineParam& p : CommonEngineParams())
    out += fmt::format("\n  ENGINE.{}: {}", p.key, p.help);
  out +=
      "\nSet them with --engine-opt ENGINE.KEY=VALUE, PIX_ENGINE_<ENGINE>_<KEY>, or "
      "search.engine_options in the config.\n";
  return out;
}

}  // namespace pix
