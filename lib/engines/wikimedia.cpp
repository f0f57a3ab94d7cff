// Wikimedia Commons through the MediaWiki Action API: generator=search in the
// File namespace with prop=imageinfo (url, size, mime and the licence, author
// and attribution from extmetadata). Pages come as an array (formatversion=2)
// or an object keyed by page id (formatversion=1) and are ordered by their
// `index`. Errors arrive with HTTP 200 as {"error": {"code", "info"}}. The
// access policy asks for a descriptive User-Agent with a contact address and
// for serial requests, and is enforced with 403 and 429 answers whose bodies
// are HTML pages. ENGINES.md section 4.
#include <fmt/format.h>

#include <algorithm>

#include "engines/licenses.h"
#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr size_t kMaxResults = 10000;  // CirrusSearch's offset limit
constexpr size_t kMaxBatch = 50;       // gsrlimit for clients without bot rights

std::string ExtValue(const JsonElement& ext, std::string_view key) {
  auto field = JsonField(ext, key);
  return field ? JsonString(*field, "value") : "";
}

// "File:AUB 1.jpg" -> "AUB 1".
std::string TitleOf(std::string title) {
  if (title.rfind("File:", 0) == 0) title.erase(0, 5);
  const size_t dot = title.rfind('.');
  if (dot != std::string::npos && dot > 0 && title.size() - dot <= 5) title.erase(dot);
  return title;
}

PageResult ParsePage(std::string_view body) {
  auto json = ParseJson(body);
  if (!json.ok())
    return PageResult::Failure("malformed_response", "api.php: " + json.status().message());
  if (!JsonIsObject(*json))
    return PageResult::Failure("malformed_response", "api.php: not an object");
  if (auto error = JsonField(*json, "error")) {
    const std::string code = JsonString(*error, "code");
    const std::string message =
        fmt::format("MediaWiki error {}: {}", code, JsonString(*error, "info"));
    if (code == "ratelimited") return PageResult::Failure("rate_limited", message);
    if (code == "maxlag" || code == "readonly") return PageResult::Failure("server_busy", message);
    return PageResult::Failure("api_error", message);
  }
  PageResult page;
  struct Ranked {
    int64_t index;
    ImageHit hit;
  };
  std::vector<Ranked> ranked;
  JsonElement pages;
  if (!(*json).at_pointer("/query/pages").get(pages)) {
    auto add = [&](const JsonElement& p) {
      JsonElement info;
      if (JsonField(p, "missing") || p.at_pointer("/imageinfo/0").get(info)) return;
      ImageHit hit;
      hit.url = JsonString(info, "url");
      if (hit.url.empty()) return;
      hit.page_url = JsonString(info, "descriptionurl");
      hit.thumbnail_url = JsonString(info, "thumburl");
      hit.width = static_cast<int>(JsonInt(info, "width"));
      hit.height = static_cast<int>(JsonInt(info, "height"));
      hit.format = FileTypeFromMime(JsonString(info, "mime"));
      hit.title = TitleOf(JsonString(p, "title"));
      if (auto ext = JsonField(info, "extmetadata")) {
        License l =
            LicenseFromCommons(ExtValue(*ext, "License"), ExtValue(*ext, "LicenseShortName"));
        hit.license = l.code;
        hit.license_version = l.version;
        hit.license_url = ExtValue(*ext, "LicenseUrl");
        if (hit.license_url.empty()) hit.license_url = l.url;
        hit.creator = HtmlToText(ExtValue(*ext, "Artist"));
      }
      ranked.push_back({JsonInt(p, "index", INT64_MAX), std::move(hit)});
    };
    if (pages.is_array()) {
      for (JsonElement p : pages.get_array()) add(p);
    } else if (pages.is_object()) {
      for (auto field : pages.get_object()) add(field.value);
    } else {
      return PageResult::Failure("malformed_response",
                                 "api.php: query.pages is neither array nor object");
    }
  }
  // The array is not in search order; `index` is the rank.
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const Ranked& a, const Ranked& b) { return a.index < b.index; });
  for (Ranked& r : ranked) page.hits.push_back(std::move(r.hit));
  // Continuation: every key of `continue` goes back verbatim.
  if (auto cont = JsonField(*json, "continue"); cont && JsonIsObject(*cont)) {
    QueryBuilder q;
    for (auto field : cont->get_object()) {
      int64_t n;
      std::string_view s;
      if (!field.value.get(s)) {
        q.Add(field.key, s);
      } else if (!field.value.get(n)) {
        q.Add(field.key, static_cast<long long>(n));
      }
    }
    page.next = q.str();
  }
  page.last = page.next.empty();
  return page;
}

class WikimediaSearch : public BasicSearch {
 public:
  using BasicSearch::BasicSearch;

  std::optional<HttpRequest> NextRequest(size_t wanted) override {
    if (done_) return std::nullopt;
    const bool drawings =
        filters_.types.empty() ||
        std::find(filters_.types.begin(), filters_.types.end(), "svg") != filters_.types.end();
    QueryBuilder q;
    q.Add("action", "query").Add("format", "json").Add("formatversion", "2");
    q.Add("generator", "search").Add("gsrnamespace", "6");
    q.Add("gsrsearch",
          std::string(drawings ? "filetype:bitmap|drawing " : "filetype:bitmap ") + query_);
    q.Add("gsrlimit", static_cast<long long>(std::min(wanted, kMaxBatch)));
    q.Add("prop", "imageinfo").Add("iiprop", "url|size|mime|extmetadata");
    q.Add("iiextmetadatafilter", "License|LicenseShortName|LicenseUrl|Artist");
    q.Add("iiurlwidth", "320").Add("maxlag", "5").Add("uselang", "en");
    std::string url = config_.base_url + "/w/api.php?" + q.str();
    if (!continuation_.empty()) url += "&" + continuation_;
    return JsonApiRequest(std::move(url), config_);
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    PageResult page;
    // The User-Agent policy is enforced with 403 and 429 and HTML pages
    // ("Please set a user-agent and respect our robot policy ..."): the
    // message quotes the page's text, not its markup.
    if (response.status == 403) {
      page = PageResult::Failure(
          "blocked",
          "HTTP 403: Wikimedia refused this client (its User-Agent policy wants a descriptive "
          "agent with a contact address: set wikimedia.contact=you@example.org): " +
              BodyText(body));
    } else if (response.status == 429) {
      page = PageResult::Failure(
          "rate_limited",
          "HTTP 429: Wikimedia's rate limit (agents without a contact address get the lowest "
          "limits: set wikimedia.contact=you@example.org): " +
              BodyText(body));
    } else if (response.status != 200) {
      page = FailureForStatus(response.status, body);
    } else {
      page = ParsePage(body);
    }
    seen_ += page.hits.size();
    const bool stuck = page.next == continuation_;
    continuation_ = page.next;
    return Settle(std::move(page), stuck || seen_ >= kMaxResults);
  }

 private:
  std::string continuation_;
  size_t seen_ = 0;
};

std::string Advice(const EngineConfig& config) {
  if (!config.Param("contact").empty() || !config.user_agent.empty()) return "";
  return "wikimedia: the Wikimedia User-Agent policy asks for a contact address and is "
         "enforced (403 and 429 answers); set one with --engine-opt "
         "wikimedia.contact=you@example.org";
}

}  // namespace

const EngineDef kWikimediaEngine = {
    .name = "wikimedia",
    .summary = "Wikimedia Commons (MediaWiki API search in the File namespace, with licences)",
    .default_base_url = "https://commons.wikimedia.org",
    .concurrency = 1,
    .interval_s = 0.5,
    .max_results = kMaxResults,
    .reports_license = true,
    .params = {{"contact", "an e-mail address or URL put in the User-Agent, as Wikimedia asks"}},
    .validate = nullptr,
    .advice = &Advice,
    .unavailable = nullptr,
    .create = &CreateSearch<WikimediaSearch>,
    .parsers = {{"wikimedia", &ParsePage}},
};

}  // namespace pix
