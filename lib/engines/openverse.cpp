// Openverse (WordPress's catalogue of openly licensed media): /v1/images/
// with `page` and `page_size`. Anonymous clients get at most 20 results a
// page (more is HTTP 401) and 20 pages (more is HTTP 400); a token (api_key,
// sent as a Bearer token) allows pages of up to 500. Every result carries its
// licence, version, deed URL and creator. ENGINES.md section 5.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "engines/licenses.h"
#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr int kMaxPages = 20;
constexpr int kAnonymousPageSize = 20;

PageResult ParsePage(std::string_view body) {
  JsonElement root, results;
  if (auto failure = ParseJsonList(body, "results", "openverse", &root, &results)) return *failure;
  PageResult page;
  for (JsonElement r : results.get_array()) {
    ImageHit hit;
    hit.url = JsonString(r, "url");
    if (hit.url.empty()) continue;
    hit.page_url = JsonString(r, "foreign_landing_url");
    hit.title = JsonString(r, "title");
    hit.thumbnail_url = JsonString(r, "thumbnail");
    hit.width = static_cast<int>(JsonInt(r, "width"));
    hit.height = static_cast<int>(JsonInt(r, "height"));
    hit.creator = JsonString(r, "creator");
    hit.format = JsonString(r, "filetype");
    if (hit.format == "jpeg") hit.format = "jpg";
    License l = LicenseFromOpenverse(JsonString(r, "license"), JsonString(r, "license_version"));
    hit.license = l.code;
    hit.license_version = l.version;
    hit.license_url = JsonString(r, "license_url");
    if (hit.license_url.empty()) hit.license_url = l.url;
    page.hits.push_back(std::move(hit));
  }
  // page_count says whether more pages exist; trimmed answers without it end
  // on a short page.
  const int64_t current = JsonInt(root, "page", 0);
  const bool more = JsonField(root, "page_count")
                        ? JsonInt(root, "page_count") > current
                        : results.get_array().size() >=
                              static_cast<size_t>(JsonInt(root, "page_size", INT64_MAX));
  if (more) page.next = std::to_string(current + 1);
  page.last = !more;
  return page;
}

PageResult Failure(long status, std::string_view body, bool with_token) {
  // DRF errors: {"detail": "..."}; validation errors: {"field": ["..."]}.
  std::string detail = BodyExcerpt(body);
  if (auto json = ParseJson(body); json.ok() && JsonIsObject(*json)) {
    if (std::string d = JsonString(*json, "detail"); !d.empty()) detail = d;
  }
  const std::string text = fmt::format("HTTP {}: {}", status, detail);
  if (status == 401 && with_token) {
    return PageResult::Failure(
        "unauthorized",
        text + " (Openverse refused the access token: tokens expire 12 hours after they are "
               "issued; get a new one from /v1/auth_tokens/token/ with your client_id and "
               "client_secret (grant_type=client_credentials) and set "
               "PIX_ENGINE_OPENVERSE_API_KEY to it)");
  }
  if (status == 401) {
    return PageResult::Failure("unauthorized",
                               text + " (anonymous clients may ask for at most 20 results a page)");
  }
  if (status == 400) return PageResult::Failure("api_error", text);
  return FailureForStatus(status, body);
}

class OpenverseSearch : public BasicSearch {
 public:
  OpenverseSearch(const std::string& query, const EngineConfig& config,
                  const SearchFilters& filters)
      : BasicSearch(query, config, filters) {
    page_size_ = kAnonymousPageSize;
    if (!config.api_key.empty()) {
      const std::string size = config.Param("page_size", "100");
      std::from_chars(size.data(), size.data() + size.size(), page_size_);
      page_size_ = std::clamp(page_size_, 1, 500);
    }
  }

  std::optional<HttpRequest> NextRequest(size_t) override {
    if (done_) return std::nullopt;
    QueryBuilder q;
    q.Add("q", query_).Add("page", page_).Add("page_size", page_size_);
    std::string licenses;
    for (const std::string& code : filters_.licenses) {
      if (code == "cc0" || code == "pdm" || code.rfind("by", 0) == 0)
        licenses += (licenses.empty() ? "" : ",") + code;
    }
    if (!licenses.empty()) q.Add("license", licenses);
    std::string types;
    for (const std::string& t : filters_.types) types += (types.empty() ? "" : ",") + t;
    if (!types.empty()) q.Add("extension", types);
    if (filters_.safe == SafeSearch::kOff) q.Add("mature", "true");
    HttpRequest r = JsonApiRequest(config_.base_url + "/v1/images/?" + q.str(), config_);
    if (!config_.api_key.empty())
      r.headers.emplace_back("Authorization", "Bearer " + config_.api_key);
    return r;
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    PageResult page = response.status == 200
                          ? ParsePage(body)
                          : Failure(response.status, body, !config_.api_key.empty());
    return Settle(std::move(page), ++page_ > kMaxPages);
  }

 private:
  int page_ = 1;
  int page_size_;
};

}  // namespace

const EngineDef kOpenverseEngine = {
    .name = "openverse",
    .summary = "Openverse (openly licensed images from Flickr, Wikimedia, museums, ...)",
    .default_base_url = "https://api.openverse.org",
    .concurrency = 1,
    .interval_s = 3.0,
    .max_results = kMaxPages * 500,
    .reports_license = true,
    .params = {{"page_size",
                "results a page with a token (api_key), 1 to 500; default 100 "
                "(anonymous: always 20)"}},
    .validate = nullptr,
    .advice = nullptr,
    .unavailable = nullptr,
    .create = &CreateSearch<OpenverseSearch>,
    .parsers = {{"openverse", &ParsePage}},
};

}  // namespace pix
