// pix-search's settings and where they come from. Four layers, each over the
// one before: the defaults (SearchOptions, EngineDef), the `search` section
// of a dataset.yaml (--config), the environment (PIX_ENGINE_<ENGINE>_<KEY>,
// e.g. PIX_ENGINE_BING_BASE_URL, PIX_ENGINE_FLICKR_API_KEY), and the flags
// given on the command line. The flags are defined here once, like
// http_flags.h, so the tool's main() stays a few lines.
//
// The config section (documented in man/pix-search.1):
//   search:
//     engines: [duckduckgo, bing, wikimedia]   # or "duckduckgo,bing"
//     max: 200
//     every_engine: false
//     types: [jpg, png]
//     min_width: 256
//     min_height: 256
//     license: [open]
//     safe: moderate
//     engine_options:
//       wikimedia: {contact: me@example.org}
//       flickr: {api_key_env: MY_FLICKR_KEY}     # the variable holding the key
//       openverse: {client_id: ID, client_secret_env: MY_OV_SECRET}
// The section is read by engines/search_section.cpp from the DatasetConfig
// of the whole dataset.yaml; unknown keys are errors. Keys and secrets are
// named by variable (api_key_env, client_secret_env), in the file or a flag.
//
// Failure modes: kInvalidArgument with "file:line:column:" for config
// errors, with the flag or variable name otherwise; kNotFound/kIoError for an
// unreadable config. Library code: the environment is read through the
// lookup function the tool passes. Thread-safety: plain functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/cli.h"
#include "base/env.h"
#include "engines/search_stage.h"
#include "http/http_flags.h"

namespace pix {

struct SearchFlags {
  std::string engines;
  size_t max = 0;
  bool every_engine = false;
  std::vector<std::string> types;
  int min_width = 0;
  int min_height = 0;
  std::vector<std::string> licenses;
  std::string safe;
  std::vector<std::string> base_urls;    // ENGINE=URL
  std::vector<std::string> engine_opts;  // ENGINE.KEY=VALUE
  bool stream = false;
  bool dry_run = false;
  bool list_engines = false;
  bool probe = false;
  std::string probe_query;
  std::string capture;
  int max_active_queries = 0;
  std::string config;
  NetworkFlags network;
  CLI::App* app = nullptr;  // to tell flags given from defaults
};

// Adds pix-search's own flags, the network flags and --config.
void AddSearchFlags(ToolCli& cli, SearchFlags* flags, const SearchOptions& defaults);

// The four layers combined.
Result<SearchOptions> ResolveSearchOptions(const SearchFlags& flags, const EnvLookup& env);

// Helpers shared with the config reader.
// "a,b" items split at commas, trimmed, empty parts dropped.
std::vector<std::string> SplitCommaList(const std::vector<std::string>& items);
// File types for --types (jpeg -> jpg, tiff -> tif); unknown types fail.
Result<std::vector<std::string>> ParseFileTypes(const std::vector<std::string>& items);
// "off", "moderate" or "strict".
Result<SafeSearch> ParseSafeSearch(const std::string& s);
// The registered engine of that name, or an error listing the engines.
Result<const EngineDef*> EngineByName(std::string_view name);

// The table --list-engines prints.
std::string DescribeEngines();

}  // namespace pix
