// Flickr's REST API, flickr.photos.search, with an API key. The image is the
// largest size the owner allows (url_o, else url_k, url_h, url_l, url_c,
// url_z), with its width_*/height_*; licence ids become licence codes.
// Errors come with HTTP 200 as {"stat": "fail", "code": N, "message": ...};
// numbers are sometimes strings ("total": "1926027"). Flickr returns at most
// the first 4,000 results of a search. ENGINES.md section 6.
#include <fmt/format.h>

#include "engines/licenses.h"
#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr int kMaxResults = 4000;
constexpr int kPerPage = 100;
constexpr const char* kSizes[] = {"o", "k", "h", "l", "c", "z"};
constexpr const char* kThumbnailSizes[] = {"n", "q", "m", "z"};

PageResult ParsePage(std::string_view body) {
  // Without nojsoncallback=1 the body is JSONP: jsonFlickrApi({...}).
  if (body.substr(0, 14) == "jsonFlickrApi(" && body.rfind(')') != std::string_view::npos) {
    body = body.substr(14, body.rfind(')') - 14);
  }
  auto json = ParseJson(body);
  if (!json.ok())
    return PageResult::Failure("malformed_response", "flickr: " + json.status().message());
  if (JsonString(*json, "stat") == "fail") {
    const int64_t code = JsonInt(*json, "code", -1);
    const std::string message =
        fmt::format("Flickr error {}: {}", code, JsonString(*json, "message"));
    if (code == 100) return PageResult::Failure("bad_key", message);
    if (code == 105) return PageResult::Failure("server_error", message);
    return PageResult::Failure("api_error", message);
  }
  JsonElement photos, list;
  if ((*json).at_pointer("/photos").get(photos) || photos.at_pointer("/photo").get(list) ||
      !list.is_array()) {
    return PageResult::Failure("malformed_response", "flickr: no photos.photo array");
  }
  PageResult page;
  for (JsonElement p : list.get_array()) {
    ImageHit hit;
    for (const char* size : kSizes) {
      hit.url = JsonString(p, std::string("url_") + size);
      if (hit.url.empty()) continue;
      hit.width = static_cast<int>(JsonInt(p, std::string("width_") + size));
      hit.height = static_cast<int>(JsonInt(p, std::string("height_") + size));
      break;
    }
    if (hit.url.empty()) continue;  // the owner allows no size we asked for
    for (const char* size : kThumbnailSizes) {
      hit.thumbnail_url = JsonString(p, std::string("url_") + size);
      if (!hit.thumbnail_url.empty()) break;
    }
    const std::string owner = JsonString(p, "owner"), id = JsonString(p, "id");
    if (!owner.empty() && !id.empty())
      hit.page_url = "https://www.flickr.com/photos/" + owner + "/" + id;
    hit.title = JsonString(p, "title");
    hit.creator = JsonString(p, "ownername");
    License l = LicenseFromFlickr(JsonString(p, "license"));
    hit.license = l.code;
    hit.license_version = l.version;
    hit.license_url = l.url;
    page.hits.push_back(std::move(hit));
  }
  const int64_t current = JsonInt(photos, "page"), pages = JsonInt(photos, "pages");
  if (current > 0 && pages > current) page.next = std::to_string(current + 1);
  page.last = page.next.empty();
  return page;
}

class FlickrSearch : public BasicSearch {
 public:
  using BasicSearch::BasicSearch;

  std::optional<HttpRequest> NextRequest(size_t) override {
    if (done_) return std::nullopt;
    QueryBuilder q;
    q.Add("method", "flickr.photos.search").Add("api_key", config_.api_key).Add("text", query_);
    q.Add("sort", "relevance").Add("media", "photos").Add("content_type", "1");
    q.Add("extras",
          "description,license,owner_name,url_o,url_k,url_h,url_l,url_c,url_z,url_n,url_q");
    q.Add("per_page", kPerPage).Add("page", page_);
    q.Add("safe_search", filters_.safe == SafeSearch::kStrict     ? "1"
                         : filters_.safe == SafeSearch::kModerate ? "2"
                                                                  : "3");
    std::string ids;
    for (const std::string& id : FlickrLicenseIds(filters_.licenses))
      ids += (ids.empty() ? "" : ",") + id;
    if (!ids.empty()) q.Add("license", ids);
    q.Add("format", "json").Add("nojsoncallback", "1");
    return JsonApiRequest(config_.base_url + "/services/rest/?" + q.str(), config_);
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    PageResult page =
        response.status == 200 ? ParsePage(body) : FailureForStatus(response.status, body);
    return Settle(std::move(page), page_++ * kPerPage >= kMaxResults);
  }

 private:
  int page_ = 1;
};

Status Validate(const EngineConfig& config) {
  if (config.api_key.empty()) {
    return Status::InvalidArgument(
        "flickr needs an API key: set PIX_ENGINE_FLICKR_API_KEY, or name the variable that holds "
        "it in search.engine_options.flickr.api_key_env");
  }
  return Status::Ok();
}

}  // namespace

const EngineDef kFlickrEngine = {
    .name = "flickr",
    .summary = "Flickr (flickr.photos.search with an API key, with licences)",
    .default_base_url = "https://api.flickr.com",
    .concurrency = 1,
    .interval_s = 1.0,
    .max_results = kMaxResults,
    .reports_license = true,
    .params = {},
    .validate = &Validate,
    .advice = nullptr,
    .unavailable = nullptr,
    .create = &CreateSearch<FlickrSearch>,
    .parsers = {{"flickr", &ParsePage}},
};

}  // namespace pix
