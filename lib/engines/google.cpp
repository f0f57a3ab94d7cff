// Google images, two ways. With an API key and a search engine id (cx), the
// official Custom Search JSON API (searchType=image, at most 100 results a
// query; closed to new customers, and existing ones must leave it by
// 2027-01-01). Opt-in only (mode=html), the no-JavaScript image results that
// Google serves to WAP phones (/wml/search?tbm=isch), whose /imgres?imgurl=...
// links carry the image, its page and its size: since 2026 Google blocks
// non-browser clients from them by TLS fingerprint (SearXNG ships its Google
// Images engine disabled), so a first page without result links is
// `blocked`, never an empty result, and the next engine takes over. Without
// a key and without the opt-in, Google is left out of the run with a
// warning that says what to do instead. Google's walls are recognised: the
// /sorry/ CAPTCHA (redirect or short page), the "enablejs" JavaScript wall
// and the consent interstitial. ENGINES.md section 3.
#include <fmt/format.h>

#include <charconv>

#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr const char* kWapUserAgent =
    "Nokia6230i/2.0 (03.80) Profile/MIDP-2.0 Configuration/CLDC-1.1";
constexpr int kMaxHtmlPages = 50;
constexpr int kApiMaxResults = 100;  // the API refuses start + num beyond 100

bool IsSorryUrl(std::string_view url) {
  return url.find("/sorry/") != std::string_view::npos ||
         url.find("://sorry.google.") != std::string_view::npos;
}

// Google's walls, recognised from the final URL and the body.
std::optional<PageResult> HtmlWall(std::string_view final_url, std::string_view body) {
  if (IsSorryUrl(final_url) ||
      (body.size() < 2000 && body.find("/sorry/") != std::string_view::npos)) {
    return PageResult::Failure("captcha", "Google's /sorry/ CAPTCHA page (unusual traffic)");
  }
  if (body.find("/httpservice/retry/enablejs") != std::string_view::npos) {
    return PageResult::Failure(
        "js_wall", "Google asks for JavaScript (this User-Agent gets the desktop page)");
  }
  if (final_url.find("://consent.") != std::string_view::npos ||
      (body.find("consent.google.") != std::string_view::npos &&
       body.find("/imgres?") == std::string_view::npos)) {
    return PageResult::Failure("consent", "Google's cookie consent page");
  }
  return std::nullopt;
}

// Google's own "no results" sentence (present on a real empty result page,
// absent from the pages it serves to clients it blocks).
bool SaysNoResults(std::string_view body) {
  return body.find("did not match any") != std::string_view::npos;
}

constexpr const char* kInsteadOfHtml =
    "use the Custom Search JSON API instead (google.api_key and google.cx; closed to new "
    "customers and ending on 2027-01-01), or other engines (duckduckgo, bing, wikimedia, "
    "openverse, flickr, searxng)";

PageResult ParseHtmlPage(std::string_view body) {
  if (auto wall = HtmlWall("", body)) return *wall;
  if (body.substr(0, 5) == "<?xml") body.remove_prefix(std::min(body.find("?>") + 2, body.size()));
  HtmlDocument doc(body);
  if (doc.too_deep()) return DeepMarkupFailure();
  PageResult page;
  doc.ForEachElement([&](const GumboNode* a) {
    if (!HtmlIsTag(a, GUMBO_TAG_A)) return;
    const std::string_view href = HtmlAttribute(a, "href");
    if (href.find("/imgres?") == std::string_view::npos) return;
    ImageHit hit;
    for (auto& [key, value] : ParseQueryString(href.substr(href.find('?') + 1))) {
      if (key == "imgurl") hit.url = value;
      if (key == "imgrefurl") hit.page_url = value;
      if (key == "w") std::from_chars(value.data(), value.data() + value.size(), hit.width);
      if (key == "h") std::from_chars(value.data(), value.data() + value.size(), hit.height);
      if (key == "tbnid" && !value.empty()) {
        hit.thumbnail_url = "https://encrypted-tbn0.gstatic.com/images?q=tbn:" + value;
      }
    }
    if (hit.url.empty() || hit.page_url.empty()) return;
    doc.ForEachElement(
        [&](const GumboNode* img) {
          const std::string_view src = HtmlAttribute(img, "src");
          if (HtmlIsTag(img, GUMBO_TAG_IMG) && src.substr(0, 4) == "http") hit.thumbnail_url = src;
        },
        a);
    // No title in this layout: the file name stands in, else the page's host.
    const std::string_view url = hit.url;
    const std::string_view path = url.substr(0, url.find_first_of("?#"));
    hit.title = UrlDecode(path.substr(path.rfind('/') + 1), false);
    if (hit.title.empty()) {
      const std::string_view page_url = hit.page_url;
      const std::string_view host =
          page_url.substr(std::min(page_url.find("://") + 3, page_url.size()));
      hit.title = std::string(host.substr(0, host.find('/')));
    }
    page.hits.push_back(std::move(hit));
  });
  page.last = page.hits.empty();
  return page;
}

PageResult ParseApiPage(std::string_view body) {
  auto json = ParseJson(body);
  if (!json.ok())
    return PageResult::Failure("malformed_response", "customsearch: " + json.status().message());
  if (!JsonIsObject(*json))
    return PageResult::Failure("malformed_response", "customsearch: not an object");
  PageResult page;
  if (auto items = JsonField(*json, "items")) {
    if (!JsonIsArray(*items))
      return PageResult::Failure("malformed_response", "customsearch: items is not an array");
    for (JsonElement item : items->get_array()) {
      ImageHit hit;
      hit.url = JsonString(item, "link");
      if (hit.url.empty()) continue;
      hit.title = JsonString(item, "title");
      hit.format = FileTypeFromMime(JsonString(item, "mime"));
      if (auto image = JsonField(item, "image")) {
        hit.page_url = JsonString(*image, "contextLink");
        hit.thumbnail_url = JsonString(*image, "thumbnailLink");
        hit.width = static_cast<int>(JsonInt(*image, "width"));
        hit.height = static_cast<int>(JsonInt(*image, "height"));
      }
      page.hits.push_back(std::move(hit));
    }
  }
  JsonElement next;
  if (!(*json).at_pointer("/queries/nextPage/0").get(next)) {
    const int64_t start = JsonInt(next, "startIndex");
    if (start > 0) page.next = std::to_string(start);
  }
  page.last = page.next.empty();
  return page;
}

// The API's error envelope: {"error": {"code": 400, "message": ..., "errors": [{"reason": ...}]}}.
PageResult ApiFailure(long status, std::string_view body) {
  std::string reason, message = BodyExcerpt(body), api_status;
  if (auto json = ParseJson(body); json.ok()) {
    if (auto error = JsonField(*json, "error")) {
      message = JsonString(*error, "message");
      api_status = JsonString(*error, "status");
      JsonElement first;
      if (!error->at_pointer("/errors/0").get(first)) reason = JsonString(first, "reason");
    }
  }
  const std::string text = fmt::format("HTTP {}: {}", status, message);
  const bool quota = status == 429 || api_status == "RESOURCE_EXHAUSTED" ||
                     reason == "dailyLimitExceeded" || reason == "rateLimitExceeded";
  if (reason == "keyInvalid" || message.find("API key not valid") != std::string::npos ||
      (status == 403 && !quota)) {
    return PageResult::Failure("bad_key", text);
  }
  if (quota) {
    return PageResult::Failure("quota_exceeded", text);
  }
  if (status >= 500) return PageResult::Failure("server_error", text);
  return PageResult::Failure("api_error", text);
}

bool UseApi(const EngineConfig& config) {
  const std::string mode = config.Param("mode", "auto");
  return mode == "api" ||
         (mode == "auto" && !config.api_key.empty() && !config.Param("cx").empty());
}

std::string Unavailable(const EngineConfig& config) {
  if (UseApi(config) || config.Param("mode", "auto") == "html") return "";
  return std::string(
             "google is left out: it needs an API key and a search engine id for the Custom "
             "Search JSON API (PIX_ENGINE_GOOGLE_API_KEY and google.cx; closed to new "
             "customers, ending on 2027-01-01); its HTML results are opt-in "
             "(--engine-opt google.mode=html) because Google blocks non-browser clients from "
             "them. Otherwise ") +
         "use other engines (duckduckgo, bing, wikimedia, openverse, flickr, searxng)";
}

class GoogleSearch : public BasicSearch {
 public:
  GoogleSearch(const std::string& query, const EngineConfig& config, const SearchFilters& filters)
      : BasicSearch(query, config, filters), api_(UseApi(config)) {}

  std::optional<HttpRequest> NextRequest(size_t wanted) override {
    if (done_) return std::nullopt;
    QueryBuilder q;
    if (api_) {
      const int num = static_cast<int>(std::min<size_t>(
          {10, wanted, static_cast<size_t>(std::max(1, kApiMaxResults + 1 - start_))}));
      q.Add("key", config_.api_key).Add("cx", config_.Param("cx")).Add("q", query_);
      q.Add("searchType", "image").Add("num", num).Add("start", start_);
      q.Add("safe", filters_.safe == SafeSearch::kOff ? "off" : "active");
      if (filters_.types.size() == 1) q.Add("fileType", filters_.types[0]);
      return JsonApiRequest(
          config_.Param("api_url", "https://www.googleapis.com") + "/customsearch/v1?" + q.str(),
          config_);
    }
    q.Add("q", query_).Add("sca_esv", "1").Add("hl", config_.Param("hl", "en"));
    q.Add("ie", "utf8").Add("oe", "utf8").Add("tbm", "isch");
    if (start_ > 1) q.Add("start", start_ - 1);
    if (filters_.safe != SafeSearch::kOff) q.Add("safe", "active");
    HttpRequest r;
    r.url = config_.base_url + "/wml/search?" + q.str();
    r.headers.emplace_back("Accept", "*/*");
    r.headers.emplace_back("Cookie", "CONSENT=YES+");
    SetUserAgent(&r, config_, kWapUserAgent);
    return r;
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    PageResult page;
    const bool first_page = pages_ == 0;
    if (api_) {
      page = response.status == 200 ? ParseApiPage(body) : ApiFailure(response.status, body);
      int64_t next = 0;
      std::from_chars(page.next.data(), page.next.data() + page.next.size(), next);
      if (next <= start_) page.last = true;
      start_ = static_cast<int>(next);
      if (start_ > kApiMaxResults) page.last = true;
    } else {
      if (auto wall = HtmlWall(response.final_url, body)) {
        page = *wall;
      } else if (response.status != 200) {
        page = FailureForStatus(response.status, body);
      } else {
        page = ParseHtmlPage(body);
        if (first_page && !page.failed() && page.hits.empty() && !SaysNoResults(body)) {
          page = PageResult::Failure(
              "blocked",
              std::string("Google's page has no image result links (Google blocks non-browser "
                          "clients from its HTML results by TLS fingerprint since 2026): ") +
                  kInsteadOfHtml);
        }
        start_ += static_cast<int>(page.hits.size());
      }
    }
    if (++pages_ >= kMaxHtmlPages && !api_) page.last = true;
    return Settle(std::move(page));
  }

 private:
  bool api_;
  int start_ = 1;  // 1-based index of the next result
  int pages_ = 0;
};

Status Validate(const EngineConfig& config) {
  const std::string mode = config.Param("mode", "auto");
  if (mode != "auto" && mode != "api" && mode != "html") {
    return Status::InvalidArgument("google.mode: '" + mode + "' is not auto, api or html");
  }
  if (mode == "api" && (config.api_key.empty() || config.Param("cx").empty())) {
    return Status::InvalidArgument(
        "google.mode=api needs an API key (PIX_ENGINE_GOOGLE_API_KEY) and a search engine id "
        "(google.cx)");
  }
  return Status::Ok();
}

}  // namespace

const EngineDef kGoogleEngine = {
    .name = "google",
    .summary = "Google images (Custom Search JSON API with a key and cx; WAP HTML results opt-in)",
    .default_base_url = "https://www.google.com",
    .concurrency = 1,
    .interval_s = 2.0,
    .max_results = kMaxHtmlPages * 20,
    .reports_license = false,
    .params = {{"cx", "Programmable Search Engine id, for the Custom Search JSON API"},
               {"mode",
                "auto (the API when api_key and cx are set, else not used), api, or html (opt-in: "
                "the WAP HTML results, blocked for most clients since 2026)"},
               {"api_url",
                "where the Custom Search JSON API is; default https://www.googleapis.com"},
               {"hl", "interface language of the HTML results; default en"}},
    .validate = &Validate,
    .advice = nullptr,
    .unavailable = &Unavailable,
    .create = &CreateSearch<GoogleSearch>,
    .parsers = {{"google-html", &ParseHtmlPage}, {"google-api", &ParseApiPage}},
};

}  // namespace pix
