// Bing images: the images/async endpoint returns an HTML fragment whose
// result anchors (a.iusc) carry the image in an entity-encoded JSON `m`
// attribute (murl, turl, purl, t). The size is not in `m`: it comes from the
// anchor's href (expw/exph) or the "3442 x 2972 · png" caption. `first` is an
// item offset; past the end Bing repeats its last page, which the search
// stage notices (a page with nothing new ends the search). Bing's own filters
// go in `qft` (+filterui:...): age (bing.time), size (bing.size, or the
// smallest size asked for with --min-width/--min-height), type (bing.type)
// and licence (bing.license: Bing's Creative Commons filter; its results
// carry no licence, so --license cannot check them). ENGINES.md section 2.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>

#include "engines/page_parsing.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

constexpr size_t kMaxResults = 1000;
constexpr int kPageSize = 35;

int ToInt(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v > 0 ? v : 0;
}

// "3442 x 2972 · png" (or with ×) -> width, height, format.
void ParseCaption(std::string caption, ImageHit* hit) {
  for (std::string_view times : {"\xC3\x97", " x "}) {  // U+00D7, ASCII
    size_t at = caption.find(times);
    if (at == std::string::npos) continue;
    std::string_view w(caption.data(), at);
    std::string_view rest = std::string_view(caption).substr(at + times.size());
    while (!w.empty() && w.back() == ' ') w.remove_suffix(1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    size_t h_end = 0;
    while (h_end < rest.size() && std::isdigit(static_cast<unsigned char>(rest[h_end]))) ++h_end;
    if (hit->width == 0) hit->width = ToInt(w);
    if (hit->height == 0) hit->height = ToInt(rest.substr(0, h_end));
    const size_t dot = rest.find("\xC2\xB7");  // U+00B7 middle dot
    if (dot != std::string_view::npos) {
      std::string format = HtmlToText(rest.substr(dot + 2));
      for (char& c : format) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (format == "jpeg") format = "jpg";
      hit->format = format;
    }
    return;
  }
}

// The result item an anchor belongs to: its closest li (or div.iuscp).
const GumboNode* ItemOf(const GumboNode* anchor) {
  for (const GumboNode* n = anchor->parent; n; n = n->parent) {
    if (HtmlIsTag(n, GUMBO_TAG_LI) || HtmlHasClass(n, "iuscp")) return n;
  }
  return anchor;
}

PageResult ParsePage(std::string_view body) {
  HtmlDocument doc(body);
  if (doc.too_deep()) return DeepMarkupFailure();
  PageResult page;
  bool has_list = false;
  std::string next_url;
  size_t anchors = 0, malformed = 0;
  doc.ForEachElement([&](const GumboNode* e) {
    if (HtmlHasClass(e, "dgControl_list")) has_list = true;
    if (next_url.empty() && HtmlHasAttribute(e, "data-nexturl")) {
      next_url = std::string(HtmlAttribute(e, "data-nexturl"));
    }
    if (!HtmlIsTag(e, GUMBO_TAG_A) || !HtmlHasClass(e, "iusc") || !HtmlHasAttribute(e, "m")) return;
    ++anchors;
    auto m = ParseJson(HtmlAttribute(e, "m"));
    if (!m.ok() || !JsonIsObject(*m)) {
      ++malformed;
      return;
    }
    ImageHit hit;
    hit.url = JsonString(*m, "murl");
    if (hit.url.empty()) {
      ++malformed;
      return;
    }
    hit.thumbnail_url = JsonString(*m, "turl");
    hit.page_url = JsonString(*m, "purl");
    hit.title = JsonString(*m, "t");
    if (hit.title.empty()) hit.title = JsonString(*m, "desc");
    const std::string_view href = HtmlAttribute(e, "href");
    hit.width = ToInt(QueryParameter(href, "expw").value_or(""));
    hit.height = ToInt(QueryParameter(href, "exph").value_or(""));
    doc.ForEachElement(
        [&](const GumboNode* n) {
          if (HtmlIsTag(n, GUMBO_TAG_SPAN) && HtmlHasClass(n, "nowrap") && hit.format.empty()) {
            ParseCaption(HtmlText(n), &hit);
          }
        },
        ItemOf(e));
    page.hits.push_back(std::move(hit));
  });
  if (anchors == 0 && !has_list) {
    return PageResult::Failure(
        "empty_shell",
        "the page has no result list (Bing sends an empty shell now and then, or "
        "its markup changed): " +
            BodyExcerpt(body, 80));
  }
  if (anchors > 0 && malformed == anchors) {
    return PageResult::Failure("malformed_response",
                               fmt::format("none of the {} result anchors has a readable m "
                                           "attribute",
                                           anchors));
  }
  if (auto first = QueryParameter(next_url, "first")) page.next = *first;
  page.last = anchors == 0;
  return page;
}

// Bing's filter values by our setting values; the first entry of each is
// the setting's key.
struct QftChoice {
  const char* value;
  const char* filter;
};
constexpr QftChoice kTimes[] = {{"day", "age-lt1440"},
                                {"week", "age-lt10080"},
                                {"month", "age-lt44640"},
                                {"year", "age-lt525600"}};
constexpr QftChoice kSizes[] = {{"small", "imagesize-small"},
                                {"medium", "imagesize-medium"},
                                {"large", "imagesize-large"},
                                {"wallpaper", "imagesize-wallpaper"}};
constexpr QftChoice kTypes[] = {{"photo", "photo-photo"},
                                {"clipart", "photo-clipart"},
                                {"linedrawing", "photo-linedrawing"},
                                {"transparent", "photo-transparent"},
                                {"animatedgif", "photo-animatedgif"}};
constexpr QftChoice kLicenses[] = {{"any", "licenseType-Any"},
                                   {"public", "license-L1"},
                                   {"share", "license-L2_L3_L4_L5_L6_L7"},
                                   {"sharecommercially", "license-L2_L3_L4"},
                                   {"modify", "license-L2_L3_L5_L6"},
                                   {"modifycommercially", "license-L2_L3"}};

struct QftSetting {
  const char* key;
  const QftChoice* begin;
  const QftChoice* end;
};
constexpr QftSetting kQftSettings[] = {{"time", std::begin(kTimes), std::end(kTimes)},
                                       {"size", std::begin(kSizes), std::end(kSizes)},
                                       {"type", std::begin(kTypes), std::end(kTypes)},
                                       {"license", std::begin(kLicenses), std::end(kLicenses)}};

const char* QftFilter(const QftSetting& setting, std::string_view value) {
  for (const QftChoice* c = setting.begin; c != setting.end; ++c) {
    if (value == c->value) return c->filter;
  }
  return nullptr;
}

// "+filterui:age-lt10080+filterui:photo-photo" from the settings and filters.
std::string FilterQft(const EngineConfig& config, const SearchFilters& filters) {
  std::string qft;
  for (const QftSetting& setting : kQftSettings) {
    if (const char* filter = QftFilter(setting, config.Param(setting.key))) {
      qft += std::string("+filterui:") + filter;
    }
  }
  if (config.Param("size").empty() && (filters.min_width > 0 || filters.min_height > 0)) {
    // At least this size (Bing's custom size filter is a minimum).
    qft += fmt::format("+filterui:imagesize-custom_{}_{}", std::max(filters.min_width, 1),
                       std::max(filters.min_height, 1));
  }
  return qft;
}

Status Validate(const EngineConfig& config) {
  for (const QftSetting& setting : kQftSettings) {
    const std::string value = config.Param(setting.key);
    if (value.empty() || QftFilter(setting, value)) continue;
    std::string allowed;
    for (const QftChoice* c = setting.begin; c != setting.end; ++c) {
      allowed += std::string(allowed.empty() ? "" : ", ") + c->value;
    }
    return Status::InvalidArgument(
        fmt::format("bing.{}: '{}' is not one of {}", setting.key, value, allowed));
  }
  return Status::Ok();
}

class BingSearch : public BasicSearch {
 public:
  using BasicSearch::BasicSearch;

  std::optional<HttpRequest> NextRequest(size_t) override {
    if (done_) return std::nullopt;
    QueryBuilder q;
    q.Add("q", query_).Add("async", "1").Add("first", first_).Add("count", kPageSize);
    q.Add("mmasync", "1");
    if (std::string qft = FilterQft(config_, filters_); !qft.empty()) q.Add("qft", qft);
    const std::string market = config_.Param("market");
    if (!market.empty()) q.Add("mkt", market);
    if (filters_.safe == SafeSearch::kOff) q.Add("adlt", "off");
    if (filters_.safe == SafeSearch::kStrict) q.Add("adlt", "strict");
    HttpRequest r;
    r.url = config_.base_url + "/images/async?" + q.str();
    r.headers.emplace_back("Accept", "text/html,*/*");
    const std::string lang = market.empty() ? "en-US" : market;
    r.headers.emplace_back("Accept-Language", lang + "," + lang.substr(0, 2) + ";q=0.9");
    SetUserAgent(&r, config_, kBrowserUserAgent);
    return r;
  }

  PageResult OnResponse(const HttpResponse& response, std::string_view body) override {
    if (response.status != 200) return Settle(FailureForStatus(response.status, body));
    PageResult page = ParsePage(body);
    if (page.failed() && page.error_code == "empty_shell" && seen_ > 0) {
      page = PageResult();  // a shell after results: the end
      page.last = true;
    }
    seen_ += page.hits.size();
    // `first` from the page's next URL when it moves forward, else by what this page held.
    long long next = 0;
    std::from_chars(page.next.data(), page.next.data() + page.next.size(), next);
    first_ = next > first_ ? next : first_ + static_cast<long long>(page.hits.size());
    return Settle(std::move(page), first_ > static_cast<long long>(kMaxResults));
  }

 private:
  long long first_ = 1;
  size_t seen_ = 0;
};

}  // namespace

const EngineDef kBingEngine = {
    .name = "bing",
    .summary = "Bing images (the images/async HTML endpoint)",
    .default_base_url = "https://www.bing.com",
    .concurrency = 1,
    .interval_s = 1.5,
    .max_results = kMaxResults,
    .reports_license = false,
    .params = {{"market", "market code, e.g. en-US, de-DE (sent as mkt and Accept-Language)"},
               {"time", "only images from the last day, week, month or year"},
               {"size", "small, medium, large or wallpaper (default: from --min-width/height)"},
               {"type", "photo, clipart, linedrawing, transparent or animatedgif"},
               {"license",
                "Bing's licence filter: any (Creative Commons), public, share, "
                "sharecommercially, modify or modifycommercially (results carry no licence)"}},
    .validate = &Validate,
    .advice = nullptr,
    .unavailable = nullptr,
    .create = &CreateSearch<BingSearch>,
    .parsers = {{"bing", &ParsePage}},
};

}  // namespace pix
