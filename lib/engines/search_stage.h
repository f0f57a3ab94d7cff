// The search stage: query records in, one record per image URL out.
//
// Each input record's `query` (or, without one, its `label`) is searched on
// the engines in priority order. By default an engine is asked for what the
// query still lacks: when it fails (a rate limit, a CAPTCHA, a consent page,
// a malformed answer, a network error), an error record naming the engine
// and the reason is written and the next engine takes over (fallback); when
// it runs out of results, the next one fills up. With `every_engine`, every
// engine is asked for `max_results` and the answers are merged.
//
// Every URL is normalised (url.h) and written once, however many engines
// and queries found it: the record takes the fields of the input record of
// the query that found it first (in input order, then engine priority, then
// rank), adds url, engine, rank, page_url, title, thumbnail_url, width,
// height, license, license_version, license_url and creator where known
// (missing ones are filled from the other finds), and lists every find in
// `found_by`. Output is therefore complete only at the end of input and is
// written then, in input order; it does not depend on timing. With `stream`,
// each query's new URLs are written as soon as it is done instead, and a URL
// found again later is not written again (its later finds are counted only).
//
// Politeness is per engine: at most `concurrency` requests in flight and
// `interval` seconds between two request starts, whatever the hosts. A page
// that brings no URL new to the search ends that engine's paging (Bing, for
// one, repeats its last page forever). A query that ends with no result and
// no failure gets a `no_results` error record: zero results are never silent.
//
// Thread-safety: one RunSearch per process (it polls one HttpClient).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engines/engine.h"
#include "http/client.h"
#include "jsonl/stage_io.h"

namespace pix {

struct SearchOptions {
  // Engine names in priority order (registry.h lists them).
  std::vector<std::string> engines = {"duckduckgo", "bing", "google"};
  // Distinct image URLs wanted per query (after filters). Sources have their
  // own ceilings (EngineDef::max_results).
  size_t max_results = 100;
  // Ask every engine for max_results and merge, instead of going down the
  // list only while results are missing. More results and more agreement in
  // found_by, at the cost of requests.
  bool every_engine = false;
  SearchFilters filters;
  // Per-engine settings by engine name; missing engines use their defaults.
  std::map<std::string, EngineConfig> engine_configs;
  // Write each query's URLs when the query is done (see above).
  bool stream = false;
  // Write one record per request that would be made first for each query
  // and engine ({"engine", "query", "method", "url", "headers"}, secrets
  // masked) and make none.
  bool dry_run = false;
  // Save every response with its request (keys masked) under this
  // directory (capture.h); empty: none saved.
  std::string capture_dir;
  // Queries in progress at once. Requests are paced per engine anyway; more
  // queries in flight let different engines work on different queries.
  size_t max_active_queries = 64;
  // Timeouts, retries, address guard, proxy. The per-host delay and limits
  // are not used: pacing is per engine (EngineConfig concurrency, interval).
  HttpOptions http;
};

// Runs the stage over `io`; returns the process exit code. Settings errors
// (an unknown engine, a missing API key) end the run with exit code 2 before
// any request.
int RunSearch(const SearchOptions& options, StageIo& io);

// The text of a request for --dry-run: API keys and tokens in the URL and
// the Authorization header replaced by "***".
std::string MaskSecrets(std::string_view url);

}  // namespace pix
