// pix-search --probe: which engines work from this network, now. Asks every
// engine one small query (one result page; DuckDuckGo's token page first)
// with the user's settings, and sorts each into:
//   ok              results came back
//   blocked         a CAPTCHA, consent or JavaScript wall, a rate limit, an
//                   anti-bot block (403, empty 202), a TLS block
//   bad_key         the source refused the API key or token
//   no_results      a result page without results
//   not_configured  left out: no API key, no base URL, an opt-in mode
//   failed          anything else (network, server error, malformed page)
// with the error code and message. This is what a user runs first when
// results dry up: it separates "this engine is blocked here" from "this
// query has no results" from "this setting is wrong".
//
// Thread-safety: one call at a time (it polls its own HttpClient).
#pragma once

#include <string>
#include <vector>

#include "engines/search_stage.h"

namespace pix {

struct ProbeResult {
  std::string engine;
  std::string verdict;  // ok, blocked, bad_key, no_results, not_configured, failed
  std::string code;     // the error code, "" when ok
  std::string detail;   // why, or "N results"
  size_t results = 0;
  long http_status = 0;
  double seconds = 0;
};

// The verdict for an engine error code (the codes of man/pix-search.1 and
// the HTTP client's transfer codes).
std::string ProbeVerdict(const std::string& error_code);

// Probes options.engines (every registered engine when `all_engines`) with
// `query`; options.capture_dir, when set, gets every response.
std::vector<ProbeResult> RunProbe(const SearchOptions& options, bool all_engines,
                                  const std::string& query);

// The table printed by pix-search --probe: one line per engine.
std::string ProbeTable(const std::vector<ProbeResult>& results);

}  // namespace pix
