// DuckDuckGo images: a landing page that carries the vqd token, then the
// i.js JSON endpoint with that token, paged by the offset `s` (100 a page).
// The token is bound to the query and the User-Agent, so both stay fixed
// for the whole search. Since DuckDuckGo rebuilt its bot protection in
// February 2026, i.js wants what the maintained clients now send: the
// country (`ct`) and `a=h_`, no empty filter slot list (`f`), the region and
// safe-search cookies (`ah`, `l`, `p`) and a current browser agent; pages
// after the first often end in a CAPTCHA, which ends the search with
// `captcha` (the next engine takes over). Formats: ENGINES.md section 1.
#include <fmt/format.h>

#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr size_t kMaxResults = 1000;

// The vqd token in a landing page, in the shapes clients have seen:
// vqd="4-123", vqd=4-123& (inside URLs), vqd='4-123'.
std::optional<std::string> ExtractVqd(std::string_view page) {
  size_t pos = 0;
  while ((pos = page.find("vqd=", pos)) != std::string_view::npos) {
    pos += 4;
    std::string_view rest = page.substr(pos);
    const char quote = !rest.empty() && (rest[0] == '"' || rest[0] == '\'') ? rest[0] : 0;
    if (quote) rest.remove_prefix(1);
    size_t n = 0;
    while (n < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[n])) ||
                               rest[n] == '-' || rest[n] == '_')) {
      ++n;
    }
    const bool closed = quote ? n < rest.size() && rest[n] == quote
                              : n == rest.size() || rest[n] == '&' || rest[n] == '\'' ||
                                    rest[n] == '"' || rest[n] == ';';
    if (n > 0 && closed) return std::string(rest.substr(0, n));
  }
  return std::nullopt;
}

bool IsChallenge(std::string_view body) {
  return body.find("challenge-form") != std::string_view::npos ||
         body.find("anomaly-modal") != std::string_view::npos;
}

// 202 (an empty answer to a disliked client), 403 and 418 are DuckDuckGo's
// ways of blocking; 429 is a rate limit.
PageResult StatusFailure(long status, std::string_view body) {
  if (status == 202 || status == 403 || status == 418) {
    return PageResult::Failure(
        "blocked", fmt::format("HTTP {} (DuckDuckGo refuses this client for now): {}", status,
                               body.empty() ? "empty body" : BodyExcerpt(body)));
  }
  return FailureForStatus(status, body);
}

PageResult ParseResults(std::string_view body) {
  if (IsChallenge(body)) return PageResult::Failure("captcha", "an anti-bot challenge page");
  if (body.find('<') < 16) {
    return PageResult::Failure("blocked",
                               "an HTML page instead of i.js JSON: " + BodyExcerpt(body));
  }
  JsonElement root, results;
  if (auto failure = ParseJsonList(body, "results", "i.js", &root, &results)) return *failure;
  PageResult page;
  for (JsonElement r : results.get_array()) {
    ImageHit hit;
    hit.url = JsonString(r, "image");
    if (hit.url.empty()) continue;
    hit.page_url = JsonString(r, "url");
    hit.title = JsonString(r, "title");
    hit.thumbnail_url = JsonString(r, "thumbnail");
    hit.width = static_cast<int>(JsonInt(r, "width"));
    hit.height = static_cast<int>(JsonInt(r, "height"));
    page.hits.push_back(std::move(hit));
  }
  // `next` ("i.js?q=...&s=100&...") is there while more pages exist; it has
  // no vqd, so only its offset is taken.
  const std::string next = JsonString(root, "next");
  if (auto s = QueryParameter(next, "s"); s && !s->empty()) {
    page.next = *s;
  } else {
    page.last = true;
  }
  return page;
}

// "us-en" -> "US"; "wt-wt" (no region) -> "EN", as SearXNG sends.
std::string CountryOf(std::string_view region) {
  std::string country(region.substr(0, region.find('-')));
  if (country.empty() || country == "wt") country = "en";
  for (char& c : country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return country;
}

class DuckDuckGoSearch : public BasicSearch {
 public:
  using BasicSearch::BasicSearch;

  std::optional<HttpRequest> NextRequest(size_t) override {
    if (done_) return std::nullopt;
    HttpRequest r;
    if (vqd_.empty()) {
      r.url = config_.base_url + "/?" +
              QueryBuilder()
                  .Add("q", query_)
                  .Add("iar", "images")
                  .Add("iax", "images")
                  .Add("ia", "images")
                  .str();
      r.headers.emplace_back("Accept", "text/html,application/xhtml+xml");
    } else {
      const std::string region = config_.Param("region", "us-en");
      const char* safe = filters_.safe == SafeSearch::kOff      ? "-2"
                         : filters_.safe == SafeSearch::kStrict ? "1"
                                                                : "-1";
      QueryBuilder q;
      q.Add("o", "json").Add("q", query_).Add("l", region).Add("vqd", vqd_);
      if (filters_.safe != SafeSearch::kModerate) q.Add("p", safe);
      if (!offset_.empty() && offset_ != "0") q.Add("s", offset_);
      q.Add("u", "bing").Add("bpia", "1").Add("a", "h_").Add("ct", CountryOf(region));
      r.url = config_.base_url + "/i.js?" + q.str();
      r.headers.emplace_back("Accept", "*/*");
      r.headers.emplace_back("Cookie", fmt::format("ah={}; l={}; p={}", region, region, safe));
      // Pages after the first are refused without it.
      r.referer = config_.base_url + "/";
    }
    SetUserAgent(&r, config_, kBrowserUserAgent);
    return r;
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    if (response.status != 200) return Settle(StatusFailure(response.status, body));
    if (vqd_.empty()) {
      auto vqd = ExtractVqd(body);
      if (!vqd) {
        if (IsChallenge(body))
          return Settle(PageResult::Failure("captcha", "the landing page is a challenge"));
        return Settle(PageResult::Failure(
            "no_token",
            "the landing page carries no vqd token (DuckDuckGo is rate limiting or "
            "blocking this client)"));
      }
      vqd_ = *vqd;
      return PageResult();
    }
    PageResult page = ParseResults(body);
    seen_ += page.hits.size();
    const bool stuck = page.next == offset_;
    offset_ = page.next;
    return Settle(std::move(page), stuck || seen_ >= kMaxResults);
  }

 private:
  std::string vqd_;
  std::string offset_;
  size_t seen_ = 0;
};

}  // namespace

const EngineDef kDuckDuckGoEngine = {
    .name = "duckduckgo",
    .summary = "DuckDuckGo images (vqd token, then the i.js JSON endpoint)",
    .default_base_url = "https://duckduckgo.com",
    .concurrency = 1,
    .interval_s = 2.0,
    .max_results = kMaxResults,
    .reports_license = false,
    .params = {{"region", "results region, e.g. us-en, de-de, wt-wt (no region); default us-en"}},
    .validate = nullptr,
    .advice = nullptr,
    .unavailable = nullptr,
    .create = &CreateSearch<DuckDuckGoSearch>,
    .parsers = {{"duckduckgo", &ParseResults}},
};

}  // namespace pix
