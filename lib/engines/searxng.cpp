// SearXNG, the self-hosted metasearch engine: its JSON API
// (/search?format=json&categories=images), paged with `pageno`. There is no
// public default: the user names their instance with base_url. Instances
// answer 403 when the JSON format is not enabled in their settings.yml
// (search.formats) and 429 when their limiter objects. An empty page that
// lists unresponsive upstream engines is a failure, not an empty result.
//
// The limiter (on by default in SearXNG's container setup and on every
// public instance) answers 429 to /search unless Accept includes text/html,
// Accept-Encoding offers gzip or deflate and Accept-Language is not empty,
// and it limits JSON requests per address and hour: requests carry those
// headers (the search stage asks curl to decode), and a 429 explains the
// instance's pass_ip setting.
#include <fmt/format.h>

#include <charconv>

#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr int kMaxPages = 50;

// "1920 x 1080", "1920x1080", "1920 × 1080".
void ParseResolution(std::string_view text, ImageHit* hit) {
  int w = 0, h = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), w);
  if (ec != std::errc()) return;
  std::string_view rest(end, static_cast<size_t>(text.data() + text.size() - end));
  while (!rest.empty() && !std::isdigit(static_cast<unsigned char>(rest.front())))
    rest.remove_prefix(1);
  if (std::from_chars(rest.data(), rest.data() + rest.size(), h).ec != std::errc()) return;
  hit->width = w;
  hit->height = h;
}

PageResult ParsePage(std::string_view body) {
  JsonElement root, results;
  if (auto failure = ParseJsonList(body, "results", "searxng", &root, &results)) return *failure;
  PageResult page;
  for (JsonElement r : results.get_array()) {
    ImageHit hit;
    hit.url = JsonString(r, "img_src");
    if (hit.url.empty()) continue;  // not an image result
    hit.page_url = JsonString(r, "url");
    hit.title = JsonString(r, "title");
    hit.thumbnail_url = JsonString(r, "thumbnail_src");
    if (hit.thumbnail_url.empty()) hit.thumbnail_url = JsonString(r, "thumbnail");
    ParseResolution(JsonString(r, "resolution"), &hit);
    hit.format = JsonString(r, "img_format");
    for (char& c : hit.format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (hit.format == "jpeg") hit.format = "jpg";
    hit.creator = JsonString(r, "author");
    page.hits.push_back(std::move(hit));
  }
  if (page.hits.empty()) {
    // [["engine", "reason"], ...]: the instance's upstreams failed.
    std::string failed;
    JsonElement list;
    if (!root["unresponsive_engines"].get(list) && list.is_array()) {
      for (JsonElement pair : list.get_array()) {
        std::string_view name, reason;
        if (pair.is_array() && !pair.at(0).get(name)) {
          std::ignore = pair.at(1).get(reason);
          failed += fmt::format("{}{} ({})", failed.empty() ? "" : ", ", name, reason);
        }
      }
    }
    if (!failed.empty()) {
      return PageResult::Failure("upstream_failed", "the instance's engines failed: " + failed);
    }
  }
  page.last = page.hits.empty();
  return page;
}

class SearxngSearch : public BasicSearch {
 public:
  using BasicSearch::BasicSearch;

  std::optional<HttpRequest> NextRequest(size_t) override {
    if (done_) return std::nullopt;
    QueryBuilder q;
    q.Add("q", query_)
        .Add("format", "json")
        .Add("categories", config_.Param("categories", "images"));
    q.Add("pageno", page_);
    q.Add("safesearch", filters_.safe == SafeSearch::kOff        ? "0"
                        : filters_.safe == SafeSearch::kModerate ? "1"
                                                                 : "2");
    const std::string language = config_.Param("language");
    if (!language.empty()) q.Add("language", language);
    HttpRequest r;
    r.url = config_.base_url + "/search?" + q.str();
    // What the limiter's header checks want to see (botdetection/http_*).
    r.headers.emplace_back("Accept", "application/json, text/html;q=0.9, */*;q=0.8");
    r.headers.emplace_back("Accept-Language", AcceptLanguage(language));
    r.decode_content = true;
    SetUserAgent(&r, config_, DescriptiveUserAgent(config_.Param("contact")));
    return r;
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    PageResult page;
    if (response.status == 403) {
      page = PageResult::Failure("blocked",
                                 "HTTP 403 (is format=json enabled in the instance's settings.yml, "
                                 "search.formats?): " +
                                     BodyExcerpt(body));
    } else if (response.status == 429) {
      page = PageResult::Failure(
          "rate_limited",
          "HTTP 429 from the instance's limiter (it limits JSON API requests per address and "
          "hour, and refuses clients that look like bots): on your own instance, add this "
          "machine's address to pass_ip under [botdetection.ip_lists] in limiter.toml, or "
          "turn server.limiter off in settings.yml; public instances rarely allow the JSON "
          "API: " +
              BodyExcerpt(body));
    } else {
      page = response.status == 200 ? ParsePage(body) : FailureForStatus(response.status, body);
    }
    return Settle(std::move(page), ++page_ > kMaxPages);
  }

 private:
  int page_ = 1;
};

}  // namespace

const EngineDef kSearxngEngine = {
    .name = "searxng",
    .summary = "a SearXNG instance's JSON API (self-hosted metasearch; needs base_url)",
    .default_base_url = nullptr,
    .concurrency = 2,
    .interval_s = 0.5,
    .max_results = kMaxPages * 20,
    .reports_license = false,
    .params = {{"categories", "SearXNG categories to search; default images"},
               {"language", "search language, e.g. en, de-DE; default the instance's"},
               {"contact", "an e-mail or URL put in the User-Agent, for the instance's admin"}},
    .validate = nullptr,
    .advice = nullptr,
    .unavailable = nullptr,
    .create = &CreateSearch<SearxngSearch>,
    .parsers = {{"searxng", &ParsePage}},
};

}  // namespace pix
