// Image search engines: the one interface every image source implements.
//
// An engine (one file each in lib/engines/, listed once in registry.cpp) is
// an EngineDef: its name, its defaults (base URL, politeness), the settings
// it accepts, and a factory for an EngineSearch, which walks the result pages
// of one query. An EngineSearch never does I/O: it says which request to make
// next (NextRequest) and parses the answer (OnResponse), so every engine is
// a pure function of the responses it is fed and is unit-tested on captured
// pages. The search stage (search_stage.h) owns the HTTP client, the
// scheduling, the de-duplication and the records.
//
// Access tokens: a source whose API hands out short-lived tokens for client
// credentials (Openverse, OAuth2 client-credentials grant) names how in
// EngineDef::token_grant: the token request and the reading of its answer,
// both pure like the rest. The token is not a page of one query but state
// of the run, shared by every query on that engine and renewed when it
// expires, so the caller (search stage, probe) keeps it in an AccessToken
// (access_token.h), sends the token request through the same HttpClient,
// pacing and address guard as the pages, and sets the Authorization header
// on each page request when it is sent. An EngineSearch therefore never sees
// a token it could hold on to after it expired, and the one-request-at-a-time
// NextRequest/OnResponse contract stays as it is.
//
// Failure modes: a response that is not a result page (rate limit, CAPTCHA,
// consent wall, JavaScript wall, an API error sent with HTTP 200, malformed
// JSON or HTML) becomes a PageResult with a stable snake_case error code
// (listed in man/pix-search.1), never an empty page. Thread-safety: EngineDefs
// are immutable; an EngineSearch is used by one thread.
#pragma once

#include <simdjson.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/client.h"

namespace pix {

// One image as a source reported it.
struct ImageHit {
  std::string url;  // the image file
  std::string page_url;
  std::string title;
  std::string thumbnail_url;
  int width = 0;  // 0: not reported
  int height = 0;
  std::string format;   // lower-case file type when reported ("jpg", "png"); else empty
  std::string license;  // code from licenses.h; empty when the source has none
  std::string license_version;
  std::string license_url;
  std::string creator;
};

enum class SafeSearch { kOff, kModerate, kStrict };

// What the user asked to keep. Engines pass what they can to the source;
// the search stage checks every hit again, since most sources filter loosely.
struct SearchFilters {
  // Lower-case file types (jpg, png, gif, webp, bmp, svg, tiff, ...); empty: any.
  std::vector<std::string> types;
  // Smallest reported size; 0: any. Hits without a reported size are kept.
  int min_width = 0;
  int min_height = 0;
  // Licence codes (licenses.h); empty: any. Hits without a licence are dropped.
  std::vector<std::string> licenses;
  SafeSearch safe = SafeSearch::kModerate;
};

// The user's settings for one engine (flags, environment, config). Empty or
// negative values mean "the engine's default".
struct EngineConfig {
  std::string base_url;    // scheme://host[:port][/prefix], without a trailing slash
  std::string user_agent;  // sent instead of the engine's default agent
  std::string api_key;     // API key or token, for the engines that take one
  // The environment variable holding api_key, for config files (which must
  // not hold keys); read by ResolveSearchOptions when api_key is empty.
  std::string api_key_env;
  int concurrency = 0;     // requests in flight at once
  double interval_s = -1;  // seconds between two request starts
  // Engine-specific settings, by the keys listed in EngineDef::params.
  std::map<std::string, std::string> params;

  std::string Param(const std::string& key, std::string fallback = "") const;
};

// An engine's answer to one response.
struct PageResult {
  std::vector<ImageHit> hits;
  bool last = false;  // no page follows
  // Where the next page starts, as the page itself said (an offset, a
  // continuation token); engine-specific, empty when the page names none.
  std::string next;
  // Set when the response is not a result page; the search of this query on
  // this engine is then over.
  std::string error_code;
  std::string error_message;

  bool failed() const { return !error_code.empty(); }
  static PageResult Failure(std::string code, std::string message);
};

// The pages of one query on one engine.
class EngineSearch {
 public:
  virtual ~EngineSearch() = default;
  // The next request, or nullopt when there is nothing more to ask. `wanted`
  // (>= 1) is how many more results the query needs; engines size pages by it.
  virtual std::optional<HttpRequest> NextRequest(size_t wanted) = 0;
  // Parses the response to the last request. Transport failures are handled
  // by the caller; this sees every completed response, whatever its status.
  virtual PageResult OnResponse(const HttpResponse& response, std::string_view body) = 0;
};

struct EngineParam {
  const char* key;
  const char* help;
  // A secret (a client secret): accepted from the environment only,
  // PIX_ENGINE_<ENGINE>_<KEY> or the variable named by the setting
  // "<key>_env" (in the config or a flag), never as a value on the command
  // line or in a file, where it would be seen in ps and shell history.
  bool secret = false;
};

// The answer to a token request: the Authorization header value to send
// ("Bearer <token>"), or why there is none (an engine error code and message).
struct TokenAnswer {
  std::string authorization;
  std::string error_code;
  std::string error_message;
};

// How an engine fetches access tokens (see the top of this file).
struct TokenGrant {
  // Whether these settings ask for tokens (client credentials given).
  bool (*wanted)(const EngineConfig& config);
  // The token request. REQUIRES: wanted(config).
  HttpRequest (*request)(const EngineConfig& config);
  // Reads the answer to request(), whatever its status.
  TokenAnswer (*parse)(long status, std::string_view body);
};

// A results-page parser, for the benchmarks and tests: a body with HTTP 200.
struct PageParser {
  const char* format;  // "bing", "google-api", ...
  PageResult (*parse)(std::string_view body);
};

struct EngineDef {
  const char* name;
  const char* summary;
  const char* default_base_url;  // nullptr: the user must give one
  int concurrency;               // default requests in flight
  double interval_s;             // default seconds between request starts
  size_t max_results;            // the most results the source gives for one query
  bool reports_license;          // whether hits carry a licence
  // Keys accepted in EngineConfig::params.
  std::vector<EngineParam> params;
  // Checks settings before a run (a missing API key, a bad value).
  Status (*validate)(const EngineConfig& config);
  // Advice on settings that work but go against the source's wishes (a
  // missing contact address); empty when none. May be nullptr.
  std::string (*advice)(const EngineConfig& config);
  // Why the engine is left out of a run with these settings (e.g. Google
  // without an API key and without the opt-in HTML mode), "" when it takes
  // part. The stage then warns and goes on with the other engines. May be
  // nullptr.
  std::string (*unavailable)(const EngineConfig& config);
  // REQUIRES: validate(config) is OK; config has base_url filled in;
  // `config` and `filters` outlive the search.
  std::unique_ptr<EngineSearch> (*create)(const std::string& query, const EngineConfig& config,
                                          const SearchFilters& filters);
  std::vector<PageParser> parsers;
  // Sources that issue access tokens; nullptr for the others.
  const TokenGrant* token_grant = nullptr;
};

// Common pieces of the engines.

// What every engine's search holds. REQUIRES: `config` and `filters` outlive it.
class BasicSearch : public EngineSearch {
 public:
  BasicSearch(const std::string& query, const EngineConfig& config, const SearchFilters& filters)
      : query_(query), config_(config), filters_(filters) {}

 protected:
  // Ends the search when `page` failed, is the last, or `stop` says so.
  PageResult Settle(PageResult page, bool stop = false) {
    if (page.failed() || page.last || stop) done_ = page.last = true;
    return page;
  }

  std::string query_;
  const EngineConfig& config_;
  const SearchFilters& filters_;
  bool done_ = false;
};

// EngineDef::create for a BasicSearch subclass.
template <typename T>
std::unique_ptr<EngineSearch> CreateSearch(const std::string& query, const EngineConfig& config,
                                           const SearchFilters& filters) {
  return std::make_unique<T>(query, config, filters);
}

// A GET for a JSON API: Accept: application/json and the descriptive agent.
HttpRequest JsonApiRequest(std::string url, const EngineConfig& config);

// Parses a JSON body into `*root` and its array field `key` into `*list`;
// on failure returns a malformed_response page that names `source`.
std::optional<PageResult> ParseJsonList(std::string_view body, std::string_view key,
                                        std::string_view source, simdjson::dom::element* root,
                                        simdjson::dom::element* list);

// A current browser's User-Agent (Firefox on Linux), for the sources that
// serve browsers only (and bind tokens to the agent: it must not change
// between requests). Kept current: bot protection treats old versions as
// bots. Users override it per engine with the user_agent setting.
extern const char kBrowserUserAgent[];
// The Accept-Language browsers send, "en-US,en;q=0.9" for "en-US" (or
// "<lang>,en;q=0.5" for other languages); "en-US,en;q=0.9" when empty.
std::string AcceptLanguage(std::string_view language);
// "PixCrawler/<version> (<contact>; image dataset builder) libcurl/<version>",
// the descriptive agent API etiquette asks for.
std::string DescriptiveUserAgent(std::string_view contact);
// Adds "User-Agent: <config.user_agent or fallback>" to `request`.
void SetUserAgent(HttpRequest* request, const EngineConfig& config, std::string_view fallback);

// The usual reading of a non-2xx status: 429 rate_limited, 401 unauthorized,
// 403 blocked, 5xx server_error, else http_<status>; the message quotes the body.
PageResult FailureForStatus(long status, std::string_view body);
// malformed_response for a page nested too deeply to parse (page_parsing.h).
PageResult DeepMarkupFailure();
// The first `n` bytes of a body, for messages, with control characters blanked.
std::string BodyExcerpt(std::string_view body, size_t n = 120);
// Like BodyExcerpt, but an HTML error page is reduced to its text first
// (without scripts and styles), so the message says what the page says.
std::string BodyText(std::string_view body, size_t n = 200);

}  // namespace pix
