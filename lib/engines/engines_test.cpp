// Every engine fed the real captured responses in tests/data/engines (see
// ENGINES.md there) and the failure pages each source is known to send.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "base/files.h"
#include "engines/access_token.h"
#include "engines/capture.h"
#include "engines/page_parsing.h"
#include "engines/probe.h"
#include "engines/registry.h"
#include "http/url.h"

namespace pix {
namespace {

std::string Capture(const std::string& name) {
  auto text = ReadFile(std::string(PIX_SOURCE_DIR) + "/tests/data/engines/" + name);
  REQUIRE_MESSAGE(text.ok(), text.status().message());
  return *text;
}

// One engine search driven by hand: requests out, canned responses in.
class Drive {
 public:
  explicit Drive(const char* engine, std::string query = "red fox", EngineConfig config = {},
                 SearchFilters filters = {})
      : filters_(std::move(filters)) {
    def_ = FindEngine(engine);
    REQUIRE(def_);
    auto resolved = ResolveEngineConfig(*def_, std::move(config));
    REQUIRE_MESSAGE(resolved.ok(), resolved.status().message());
    config_ = *resolved;
    search_ = def_->create(query, config_, filters_);
  }

  std::optional<HttpRequest> Next(size_t wanted = 100) { return search_->NextRequest(wanted); }

  HttpRequest Request(size_t wanted = 100) {
    auto r = Next(wanted);
    REQUIRE(r.has_value());
    return *r;
  }

  PageResult Feed(long status, std::string_view body, std::string final_url = "") {
    HttpResponse response;
    response.status = status;
    response.final_url = std::move(final_url);
    return search_->OnResponse(response, body);
  }

  // Parses a results page with the engine's own parser (as the benchmark does).
  PageResult Parse(std::string_view body, const char* format = nullptr) {
    for (const PageParser& p : def_->parsers) {
      if (!format || std::string_view(format) == p.format) return p.parse(body);
    }
    FAIL("no parser " << format);
    return {};
  }

 private:
  const EngineDef* def_;
  EngineConfig config_;
  SearchFilters filters_;
  std::unique_ptr<EngineSearch> search_;
};

std::string Header(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace

TEST_CASE("registry: names, settings, defaults") {
  CHECK(AllEngines().size() == 7);
  CHECK(FindEngine("bing") == &kBingEngine);
  CHECK(FindEngine("altavista") == nullptr);
  EngineConfig config;
  CHECK(SetEngineSetting(kBingEngine, &config, "base_url", "http://127.0.0.1:8/eng/bing/").ok());
  CHECK(config.base_url == "http://127.0.0.1:8/eng/bing");
  CHECK(SetEngineSetting(kBingEngine, &config, "market", "de-DE").ok());
  CHECK(config.Param("market") == "de-DE");
  CHECK(SetEngineSetting(kBingEngine, &config, "interval", "0.25").ok());
  CHECK(config.interval_s == 0.25);
  CHECK_FALSE(SetEngineSetting(kBingEngine, &config, "interval", "-1").ok());
  CHECK_FALSE(SetEngineSetting(kBingEngine, &config, "concurrency", "0").ok());
  Status unknown = SetEngineSetting(kBingEngine, &config, "contact", "x");
  CHECK(unknown.message().find("bing has no setting 'contact'") != std::string::npos);
  auto resolved = ResolveEngineConfig(kWikimediaEngine, {});
  REQUIRE(resolved.ok());
  CHECK(resolved->base_url == "https://commons.wikimedia.org");
  CHECK(resolved->concurrency == 1);
  auto searxng = ResolveEngineConfig(kSearxngEngine, {});
  CHECK_FALSE(searxng.ok());
  CHECK(searxng.status().message().find("PIX_ENGINE_SEARXNG_BASE_URL") != std::string::npos);
  CHECK_FALSE(ResolveEngineConfig(kFlickrEngine, {}).ok());  // needs a key
  EngineConfig ftp;
  ftp.base_url = "ftp://x";
  CHECK_FALSE(ResolveEngineConfig(kBingEngine, ftp).ok());
  CHECK(EngineEnvVariable("duckduckgo", "base_url") == "PIX_ENGINE_DUCKDUCKGO_BASE_URL");
}

TEST_CASE("duckduckgo: vqd from the landing page, then i.js pages with s") {
  Drive d("duckduckgo");
  HttpRequest landing = d.Request();
  CHECK(landing.url == "https://duckduckgo.com/?q=red%20fox&iar=images&iax=images&ia=images");
  PageResult none = d.Feed(200, Capture("duckduckgo_landing_vqd_RECONSTRUCTED.html"));
  CHECK_FALSE(none.failed());
  CHECK(none.hits.empty());
  HttpRequest ijs = d.Request();
  CHECK(
      ijs.url.rfind("https://duckduckgo.com/"
                    "i.js?o=json&q=red%20fox&l=us-en&vqd=4-312345678901234567890123456789012345678",
                    0) == 0);
  CHECK(ijs.url.find("&s=") == std::string::npos);
  CHECK(ijs.referer == "https://duckduckgo.com/");
  CHECK(Header(ijs, "User-Agent") == Header(landing, "User-Agent"));  // the token is bound to it
  CHECK(Header(ijs, "Accept-Language").empty());
  PageResult page = d.Feed(200, Capture("duckduckgo_i_js_RECONSTRUCTED.json"));
  REQUIRE(page.hits.size() == 2);
  CHECK(page.hits[0].url == "https://upload.example.org/foxes/red-fox-snow.jpg");
  CHECK(page.hits[0].page_url == "https://www.example.org/wildlife/red-fox");
  CHECK(page.hits[0].title == "Red fox in the snow | Wildlife");
  CHECK(page.hits[0].thumbnail_url ==
        "https://tse2.mm.bing.net/th/id/OIP.vD-8G0MjAMREv1bYbKaqEwHaHa?pid=Api");
  CHECK(page.hits[0].width == 1920);
  CHECK(page.hits[0].height == 1080);
  CHECK(page.next == "100");
  CHECK_FALSE(page.last);
  CHECK(d.Request().url.find("&s=100&") != std::string::npos);
  PageResult last = d.Feed(200, R"({"results": [{"image": "https://a.org/z.jpg"}], "vqd": {}})");
  CHECK(last.last);
  CHECK_FALSE(d.Next().has_value());
}

TEST_CASE("duckduckgo: vqd shapes, safe search and failure pages") {
  for (const char* page : {"<script>vqd='4-99';</script>", "x?q=a&vqd=4-99&p=1"}) {
    Drive d("duckduckgo");
    d.Request();
    CHECK_FALSE(d.Feed(200, page).failed());
    CHECK(d.Request().url.find("vqd=4-99&") != std::string::npos);
  }
  SearchFilters strict;
  strict.safe = SafeSearch::kStrict;
  Drive safe("duckduckgo", "fox", {}, strict);
  safe.Request();
  safe.Feed(200, "vqd=\"4-1\"");
  CHECK(safe.Request().url.find("&p=1&") != std::string::npos);

  struct Case {
    long status;
    std::string body;
    bool after_landing;
    const char* code;
  };
  const Case cases[] = {
      {403, "", true, "blocked"},
      {418, "", true, "blocked"},
      {202, "", false, "blocked"},
      {429, "Too Many Requests", true, "rate_limited"},
      {200, "<html><body>no token here</body></html>", false, "no_token"},
      {200, "<form id=\"challenge-form\" action=\"/anomaly\"></form>", false, "captcha"},
      {200, "<!DOCTYPE html><html>If this persists, please email us</html>", true, "blocked"},
      {200, "<form id=\"challenge-form\"></form>", true, "captcha"},
      {200, "{\"results\": [{\"image\": ", true, "malformed_response"},
      {200, "{\"results\": {}}", true, "malformed_response"},
      {500, "oops", true, "server_error"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    Drive d("duckduckgo");
    d.Request();
    if (c.after_landing) {
      REQUIRE_FALSE(d.Feed(200, Capture("duckduckgo_landing_vqd_RECONSTRUCTED.html")).failed());
      d.Request();
    }
    PageResult r = d.Feed(c.status, c.body);
    CHECK(r.error_code == c.code);
    CHECK_FALSE(r.error_message.empty());
    CHECK_FALSE(d.Next().has_value());
  }
}

TEST_CASE("bing: the real 2020 async fragment") {
  Drive d("bing");
  HttpRequest r = d.Request();
  CHECK(r.url ==
        "https://www.bing.com/images/async?q=red%20fox&async=1&first=1&count=35&mmasync=1");
  CHECK(Header(r, "Accept-Language") == "en-US,en;q=0.9");
  PageResult page = d.Feed(200, Capture("bing_images_async_2020_real.html"));
  REQUIRE(page.hits.size() == 1);
  const ImageHit& h = page.hits[0];
  CHECK(h.url ==
        "https://pic.wenwen.soso.com/pqpic/wenwenpic/0/"
        "20200905072601-1377158880_png_3442_2972_201696/0");
  CHECK(h.thumbnail_url ==
        "https://tse1-mm.cn.bing.net/th?id=OIP.qTwEnan4GiMdiu0jeB7ZLgHaGZ&pid=15.1");
  CHECK(h.page_url == "https://wenwen.sogou.com/z/q825286701.htm");
  CHECK(h.title == "用wps怎么画这样的折线图");
  CHECK(h.width == 3442);
  CHECK(h.height == 2972);
  CHECK(h.format == "png");
  CHECK(page.next == "2");
  // `first` follows the page's own next URL.
  CHECK(d.Request().url.find("&first=2&") != std::string::npos);
}

TEST_CASE("bing: the real 2026 m attributes, entity-encoded") {
  const std::string text = Capture("bing_images_m_attr_2026_real.txt");
  std::string html = "<ul class=\"dgControl_list\">";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.find('\n', pos), text.size());
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    // The surrounding markup is hand-made, as in the test the values come from.
    html += "<li><div class=\"iuscp\"><div class=\"imgpt\"><a class=\"iusc\" m=\"" + line +
            "\" href=\"/images/search?view=detailV2&amp;expw=1879&amp;exph=1280\"></a>"
            "<div class=\"img_info\"><span class=\"nowrap\">1879 × 1280 · "
            "jpeg</span></div></div></div></li>";
  }
  html += "</ul>";
  PageResult page = Drive("bing").Parse(html);
  REQUIRE(page.hits.size() == 2);
  CHECK(page.hits[0].url == "http://wenhui.whb.cn/u/cms/www/202211/03155700yjdk.jpg");
  CHECK(page.hits[0].thumbnail_url ==
        "https://ts1.mm.bing.net/th?id=OIP.25SQhm4X7T-75fgE_FibzAHaNK&pid=15.1");
  CHECK(page.hits[0].page_url == "https://wenhui.whb.cn/zhuzhan/yingshi/20221103/493588.html");
  CHECK(page.hits[0].title == "王家卫新剧《繁花》发布最新海报及预告片，原著作者金宇澄亮相");
  CHECK(page.hits[1].url ==
        "https://x0.ifengimg.com/res/2024/"
        "84F0A598897E0953577D43138C1D2E5CFE56371E_size303_w1879_h1280.jpg");
  CHECK(page.hits[1].page_url ==
        "https://h5.ifeng.com/c/vivo/v002j4ZDB5CXoqPXpFQKXw5jJgIb0-_BizcTRfHC6Gj35Rm8__?isNews=1");
  CHECK(page.hits[1].width == 1879);
  CHECK(page.hits[1].height == 1280);
  CHECK(page.hits[1].format == "jpg");
}

TEST_CASE("bing: empty shell, malformed m, end of results") {
  Drive shell("bing");
  shell.Request();
  PageResult r = shell.Feed(200, "<div class=\"dg_b\" role=\"main\"></div>");
  CHECK(r.error_code == "empty_shell");
  CHECK_FALSE(shell.Next().has_value());

  Drive later("bing");
  later.Request();
  REQUIRE(later.Feed(200, Capture("bing_images_async_2020_real.html")).hits.size() == 1);
  later.Request();
  PageResult end = later.Feed(200, "<div class=\"dg_b\"></div>");
  CHECK_FALSE(end.failed());  // a shell after results is the end
  CHECK(end.last);

  PageResult broken = Drive("bing").Parse(
      "<ul class=\"dgControl_list\"><li><a class=\"iusc\" m=\"{&quot;murl&quot;:\"></a></li></ul>");
  CHECK(broken.error_code == "malformed_response");
  PageResult empty_list = Drive("bing").Parse("<ul class=\"dgControl_list\"></ul>");
  CHECK_FALSE(empty_list.failed());
  CHECK(empty_list.last);
  Drive limited("bing");
  limited.Request();
  CHECK(limited.Feed(429, "").error_code == "rate_limited");
}

TEST_CASE("google: the real Custom Search JSON API answer") {
  EngineConfig config;
  config.api_key = "secret";
  config.params["cx"] = "3445a144d26f841f7";
  Drive d("google", "cats", config);
  HttpRequest r = d.Request(5);
  CHECK(r.url ==
        "https://www.googleapis.com/customsearch/"
        "v1?key=secret&cx=3445a144d26f841f7&q=cats&searchType=image&num=5&start=1&safe=active");
  PageResult page = d.Feed(200, Capture("google_cse_json_api_image.json"));
  REQUIRE(page.hits.size() == 2);
  CHECK(page.hits[0].url ==
        "https://bestfriends.org/sites/default/files/styles/hero_mobile/public/hero-dash/"
        "Asana3808_Dashboard_Standard.jpg?h=ebad9ecf&itok=cWevo33k");
  CHECK(page.hits[0].page_url ==
        "https://bestfriends.org/sanctuary/about-sanctuary/animal-areas/cat-world");
  CHECK(page.hits[0].title == "Cat World | Best Friends Animal Society - Save Them All");
  CHECK(page.hits[0].width == 660);
  CHECK(page.hits[0].height == 710);
  CHECK(page.hits[0].format == "jpg");
  CHECK(page.hits[1].format == "png");
  CHECK(page.hits[1].thumbnail_url.rfind("https://encrypted-tbn0.gstatic.com/images?q=tbn:", 0) ==
        0);
  CHECK(page.next == "6");
  CHECK(d.Request(100).url.find("&num=10&start=6&") != std::string::npos);
}

TEST_CASE("google: API errors and the 100-result ceiling") {
  EngineConfig config;
  config.api_key = "k";
  config.params["cx"] = "c";
  const std::string errors = Capture("google_cse_json_api_errors.json");
  auto member = [&](const char* key) {
    const size_t start = errors.find('{', errors.find(key));
    size_t depth = 0, i = start;
    for (; i < errors.size(); ++i) {
      depth += errors[i] == '{';
      depth -= errors[i] == '}';
      if (depth == 0) break;
    }
    return errors.substr(start, i - start + 1);
  };
  Drive deep("google", "cats", config);
  deep.Request();
  CHECK(deep.Feed(400, member("start_too_deep_400")).error_code == "api_error");
  Drive quota("google", "cats", config);
  quota.Request();
  CHECK(quota.Feed(429, member("quota_429_approx")).error_code == "quota_exceeded");
  Drive bad_key("google", "cats", config);
  bad_key.Request();
  PageResult r = bad_key.Feed(
      400,
      R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","errors":[{"domain":"global","reason":"badRequest"}],"status":"INVALID_ARGUMENT"}})");
  CHECK(r.error_code == "bad_key");
  CHECK(r.error_message.find("API key not valid") != std::string::npos);

  // With start=91 the page may hold 10; nothing is asked beyond result 100.
  Drive ceiling("google", "cats", config);
  ceiling.Request();
  PageResult p = ceiling.Feed(
      200,
      R"({"items": [{"link": "https://a.org/1.jpg"}], "queries": {"nextPage": [{"startIndex": 91}]}})");
  CHECK_FALSE(p.last);
  CHECK(ceiling.Request().url.find("&num=10&start=91&") != std::string::npos);
  p = ceiling.Feed(
      200,
      R"({"items": [{"link": "https://a.org/2.jpg"}], "queries": {"nextPage": [{"startIndex": 101}]}})");
  CHECK(p.last);
  CHECK_FALSE(ceiling.Next().has_value());
}

TEST_CASE("google: WAP image results, real imgres links and the walls") {
  const std::string notes = Capture("google_html_imgres_NOTES.txt");
  const size_t start = notes.find("<?xml"), end = notes.find("</html>") + 7;
  Drive d("google");
  HttpRequest r = d.Request();
  CHECK(r.url ==
        "https://www.google.com/wml/"
        "search?q=red%20fox&sca_esv=1&hl=en&ie=utf8&oe=utf8&tbm=isch&safe=active");
  CHECK(Header(r, "User-Agent").rfind("Nokia", 0) == 0);
  CHECK(Header(r, "Cookie") == "CONSENT=YES+");
  PageResult page = d.Feed(200, notes.substr(start, end - start));
  REQUIRE(page.hits.size() == 1);
  CHECK(page.hits[0].url == "https://upload.example.org/fox.jpg");
  CHECK(page.hits[0].page_url == "https://www.example.org/fox");
  CHECK(page.hits[0].width == 1920);
  CHECK(page.hits[0].height == 1080);
  CHECK(page.hits[0].thumbnail_url ==
        "https://encrypted-tbn0.gstatic.com/images?q=tbn:AbCdEf12345678");
  CHECK(page.hits[0].title == "fox.jpg");
  CHECK(d.Request().url.find("&start=1&") != std::string::npos);

  // The two real desktop imgres links from the notes.
  std::string html = "<html><body>";
  size_t pos = 0;
  while ((pos = notes.find("\nhttps://www.google.com/imgres?", pos)) != std::string::npos) {
    const size_t line_end = notes.find('\n', pos + 1);
    html += "<a href=\"" + notes.substr(pos + 1, line_end - pos - 1) + "\">x</a>";
    pos = line_end;
  }
  html += "</body></html>";
  PageResult real = Drive("google").Parse(html, "google-html");
  REQUIRE(real.hits.size() == 2);
  CHECK(real.hits[0].url ==
        "https://play-lh.googleusercontent.com/"
        "M0srkoCNqpU1LsVI55ik8Q11JP-CeQgZq5IzT0yXmM_cyc-AhxdcOGkvpgH8hsLfe-Q");
  CHECK(real.hits[0].page_url ==
        "https://play.google.com/store/apps/details?id=com.pinger.textfree&hl=vi&gl=US");
  CHECK(real.hits[0].width == 512);
  CHECK(real.hits[0].thumbnail_url ==
        "https://encrypted-tbn0.gstatic.com/images?q=tbn:BoZ6iRsScz8VIM");
  CHECK(real.hits[1].title == "front-left-side-47.jpg");
  CHECK(real.hits[1].height == 620);

  struct Wall {
    long status;
    std::string body, final_url;
    const char* code;
  };
  const Wall walls[] = {
      {429, "<html>Our systems have detected unusual traffic</html>",
       "https://www.google.com/sorry/index?continue=x", "captcha"},
      {200, "<html><a href=\"https://www.google.com/sorry/index\">sorry</a></html>",
       "https://www.google.com/wml/search", "captcha"},
      {200,
       "<noscript><meta content=\"0;url=/httpservice/retry/enablejs?sei=abc\" "
       "http-equiv=\"refresh\"></noscript>" +
           std::string(3000, ' '),
       "", "js_wall"},
      {200,
       "<form action=\"https://consent.google.com/save\" method=\"POST\">" + std::string(3000, ' '),
       "", "consent"},
      {200, "<html></html>", "https://consent.google.com/ml?continue=x", "consent"},
      {503, "", "", "server_error"},
  };
  for (const Wall& w : walls) {
    CAPTURE(w.body);
    Drive g("google");
    g.Request();
    CHECK(g.Feed(w.status, w.body, w.final_url).error_code == w.code);
  }
  Drive none("google");
  none.Request();
  PageResult empty =
      none.Feed(200, "<html><body>Your search did not match any image results.</body></html>");
  CHECK_FALSE(empty.failed());
  CHECK(empty.last);
}

TEST_CASE("wikimedia: the real 2026 generator=search answer") {
  Drive d("wikimedia", "جامعة دهوك");
  HttpRequest r = d.Request(20);
  CHECK(r.url.find("https://commons.wikimedia.org/w/"
                   "api.php?action=query&format=json&formatversion=2&generator=search&gsrnamespace="
                   "6&gsrsearch=filetype%3Abitmap%7Cdrawing%20") == 0);
  CHECK(r.url.find("&gsrlimit=20&") != std::string::npos);
  CHECK(r.url.find("iiprop=url%7Csize%7Cmime%7Cextmetadata") != std::string::npos);
  CHECK(Header(r, "User-Agent").rfind("PixCrawler/", 0) == 0);
  PageResult page = d.Feed(200, Capture("wikimedia_commons_generator_search_fv2_2026.json"));
  REQUIRE(page.hits.size() == 1);
  const ImageHit& h = page.hits[0];
  CHECK(NormalizeUrl(h.url) ==
        "https://upload.wikimedia.org/wikipedia/commons/0/00/"
        "%D8%AC%D8%A7%D9%85%D8%B9%D8%A9_%D8%AF%D9%87%D9%88%D9%83_%D8%A7%D9%84%D8%A8%D9%88%D8%A7%D8%"
        "A8%D8%A9.jpg");
  CHECK(h.page_url ==
        "https://commons.wikimedia.org/wiki/"
        "File:%D8%AC%D8%A7%D9%85%D8%B9%D8%A9_%D8%AF%D9%87%D9%88%D9%83_%D8%A7%D9%84%D8%A8%D9%88%D8%"
        "A7%D8%A8%D8%A9.jpg");
  CHECK(h.title == "جامعة دهوك البوابة");
  CHECK(h.width == 960);
  CHECK(h.height == 540);
  CHECK(h.format == "jpg");
  CHECK(h.license == "by-sa");
  CHECK(h.license_version == "4.0");
  CHECK(h.license_url == "https://creativecommons.org/licenses/by-sa/4.0/");
  CHECK(h.creator == "MuhammedIQ");
  CHECK(page.last);
  CHECK_FALSE(d.Next().has_value());
}

TEST_CASE("wikimedia: the real fv2 and old fv1 answers") {
  PageResult fv2 = Drive("wikimedia").Parse(Capture("wikimedia_commons_fv2_2026.json"));
  REQUIRE(fv2.hits.size() == 3);
  CHECK(fv2.hits[0].title == "American University of Beirut (AUB)");
  CHECK(fv2.hits[0].license == "by");
  CHECK(fv2.hits[0].license_version == "2.0");
  CHECK(fv2.hits[0].creator == "Mohamed Nanabhay from Qatar");
  CHECK(fv2.hits[1].creator == "A.K.Khalifeh");
  CHECK(fv2.hits[1].license == "by-sa");
  CHECK(fv2.hits[2].license == "pd");
  CHECK(fv2.hits[2].format == "svg");
  CHECK(fv2.hits[2].creator.empty());
  CHECK(fv2.hits[2].thumbnail_url.find("960px-University_of_Oxford.svg.png") != std::string::npos);

  PageResult fv1 =
      Drive("wikimedia").Parse(Capture("wikimedia_commons_fv1_full_extmetadata_OLD.json"));
  REQUIRE(fv1.hits.size() == 1);
  CHECK(fv1.hits[0].url ==
        "https://upload.wikimedia.org/wikipedia/commons/5/5e/1.2.09.Forest.cSmall.jpg");
  CHECK(fv1.hits[0].title == "1.2.09.Forest.cSmall");
  CHECK(fv1.hits[0].width == 500);
  CHECK(fv1.hits[0].height == 297);
  CHECK(fv1.hits[0].license == "by-sa");
  CHECK(fv1.hits[0].license_url == "http://creativecommons.org/licenses/by-sa/3.0");
  CHECK(fv1.hits[0].creator == "CMSporthorses");
}

TEST_CASE("wikimedia: index order, continuation, errors sent with HTTP 200") {
  Drive d("wikimedia");
  d.Request();
  PageResult page = d.Feed(200, R"({"continue": {"gsroffset": 20, "continue": "gsroffset||"},
    "query": {"pages": [
      {"title": "File:B.png", "index": 2, "imageinfo": [{"url": "https://u.org/B.png", "width": 5, "height": 6}]},
      {"title": "File:Missing.jpg", "index": 3, "missing": true},
      {"title": "File:NoInfo.jpg", "index": 4},
      {"title": "File:A.jpg", "index": 1, "imageinfo": [{"url": "https://u.org/A.jpg"}]}]}})");
  REQUIRE(page.hits.size() == 2);
  CHECK(page.hits[0].title == "A");
  CHECK(page.hits[1].title == "B");
  CHECK_FALSE(page.last);
  CHECK(page.next == "gsroffset=20&continue=gsroffset%7C%7C");
  CHECK(d.Request().url.find("&gsroffset=20&continue=gsroffset%7C%7C") != std::string::npos);
  CHECK(d.Feed(200, R"({"batchcomplete": true})").last);

  const std::pair<const char*, const char*> errors[] = {
      {R"({"error": {"code": "maxlag", "info": "Waiting for 10.64.48.35: 6 seconds lagged"}})",
       "server_busy"},
      {R"({"error": {"code": "ratelimited", "info": "You've exceeded your rate limit."}})",
       "rate_limited"},
      {R"({"error": {"code": "badvalue", "info": "Unrecognized value for parameter \"prop\""}})",
       "api_error"},
      {R"({"query": {"pages": 7}})", "malformed_response"},
      {"<html>Wikimedia Error</html>", "malformed_response"},
  };
  for (const auto& [body, code] : errors) {
    Drive e("wikimedia");
    e.Request();
    PageResult r = e.Feed(200, body);
    CHECK(r.error_code == code);
  }
  Drive blocked("wikimedia");
  blocked.Request();
  CHECK(blocked.Feed(403, "Please set a user-agent").error_code == "blocked");
  EngineConfig contact;
  contact.params["contact"] = "ops@example.org";
  CHECK(
      Header(Drive("wikimedia", "x", contact).Request(), "User-Agent").find("(ops@example.org; ") !=
      std::string::npos);
  CHECK_FALSE(kWikimediaEngine.advice(contact).size());
  CHECK(kWikimediaEngine.advice({}).find("contact") != std::string::npos);
}

TEST_CASE("openverse: the real 2026 answer and its limits") {
  Drive d("openverse", "University of Duhok");
  HttpRequest r = d.Request();
  CHECK(r.url ==
        "https://api.openverse.org/v1/images/?q=University%20of%20Duhok&page=1&page_size=20");
  PageResult page = d.Feed(200, Capture("openverse_images_2026.json"));
  REQUIRE(page.hits.size() == 2);
  CHECK(page.hits[0].url == "https://live.staticflickr.com/5212/5434110551_ca8a6ee5dd_b.jpg");
  CHECK(page.hits[0].page_url == "https://www.flickr.com/photos/59442036@N08/5434110551");
  CHECK(page.hits[0].creator == "wgauthier");
  CHECK(page.hits[0].license == "by-sa");
  CHECK(page.hits[0].license_version == "2.0");
  CHECK(page.hits[0].license_url == "https://creativecommons.org/licenses/by-sa/2.0/");
  CHECK(page.hits[0].format.empty());  // filetype null
  CHECK(page.hits[1].format == "jpg");
  CHECK(page.hits[1].width == 1772);
  CHECK(page.last);  // 2 results of a 20-result page

  Drive paged("openverse");
  paged.Request();
  CHECK_FALSE(
      paged
          .Feed(200, R"({"page": 1, "page_count": 3, "results": [{"url": "https://a.org/1.jpg"}]})")
          .last);
  CHECK(paged.Request().url.find("&page=2&") != std::string::npos);

  SearchFilters filters;
  filters.licenses = {"cc0", "by", "pd"};
  filters.types = {"jpg", "png"};
  filters.safe = SafeSearch::kOff;
  EngineConfig token;
  token.api_key = "tok";
  HttpRequest filtered = Drive("openverse", "x", token, filters).Request();
  CHECK(filtered.url ==
        "https://api.openverse.org/v1/images/"
        "?q=x&page=1&page_size=100&license=cc0%2Cby&extension=jpg%2Cpng&mature=true");
  CHECK(Header(filtered, "Authorization") == "Bearer tok");

  const std::tuple<long, const char*, const char*> failures[] = {
      {401, R"({"detail": "Authentication credentials were not provided."})", "unauthorized"},
      {400, R"({"page": ["Ensure this value is less than or equal to 20."]})", "api_error"},
      {429, R"({"detail": "Request was throttled. Expected available in 3600 seconds."})",
       "rate_limited"},
      {200, R"({"results": null})", "malformed_response"},
  };
  for (const auto& [status, body, code] : failures) {
    Drive f("openverse");
    f.Request();
    PageResult p = f.Feed(status, body);
    CHECK(p.error_code == code);
  }
}

TEST_CASE("flickr: the real answer, size fallback, stat fail") {
  EngineConfig config;
  config.api_key = "k123";
  Drive d("flickr", "surf", config);
  HttpRequest r = d.Request();
  CHECK(r.url.find("https://api.flickr.com/services/rest/"
                   "?method=flickr.photos.search&api_key=k123&text=surf&") == 0);
  CHECK(r.url.find("&nojsoncallback=1") != std::string::npos);
  PageResult page = d.Feed(200, Capture("flickr_photos_search.json"));
  REQUIRE(page.hits.size() == 1);
  CHECK(page.hits[0].url == "https://live.staticflickr.com/1276/1259861303_edbc87122e_o.jpg");
  CHECK(page.hits[0].width == 1103);  // sent as strings
  CHECK(page.hits[0].height == 1297);
  CHECK(page.hits[0].page_url == "https://www.flickr.com/photos/7572839@N05/1259861303");
  CHECK(page.hits[0].title == "Surf");
  CHECK(page.hits[0].creator == "saute_egail");
  CHECK(page.next == "2");
  CHECK(d.Request().url.find("&page=2&") != std::string::npos);

  PageResult fallback = Drive("flickr", "x", config)
                            .Parse(
                                R"(jsonFlickrApi({"photos": {"page": 1, "pages": 1, "photo": [
          {"id": "1", "owner": "o", "title": "t", "license": "9", "url_l": "https://l.jpg", "width_l": 1024, "height_l": 683, "url_n": "https://n.jpg"},
          {"id": "2", "owner": "o", "title": "none"}]}, "stat": "ok"}))");
  REQUIRE(fallback.hits.size() == 1);
  CHECK(fallback.hits[0].url == "https://l.jpg");
  CHECK(fallback.hits[0].width == 1024);
  CHECK(fallback.hits[0].thumbnail_url == "https://n.jpg");
  CHECK(fallback.hits[0].license == "cc0");
  CHECK(fallback.last);

  Drive bad("flickr", "x", config);
  bad.Request();
  PageResult error = bad.Feed(200, Capture("flickr_error.json"));
  CHECK(error.error_code == "bad_key");
  CHECK(error.error_message.find("Invalid API Key") != std::string::npos);
  Drive other("flickr", "x", config);
  other.Request();
  CHECK(
      other
          .Feed(
              200,
              R"({"stat": "fail", "code": 3, "message": "Parameterless searches have been disabled."})")
          .error_code == "api_error");

  SearchFilters open;
  open.licenses = {"cc0", "by"};
  CHECK(Drive("flickr", "x", config, open).Request().url.find("&license=4%2C9&") !=
        std::string::npos);
}

TEST_CASE("searxng: JSON results, 403 without the json format, failed upstreams") {
  EngineConfig config;
  config.base_url = "https://searx.example.org";
  Drive d("searxng", "fox", config);
  HttpRequest r = d.Request();
  CHECK(
      r.url ==
      "https://searx.example.org/search?q=fox&format=json&categories=images&pageno=1&safesearch=1");
  PageResult page = d.Feed(200, R"({"query": "fox", "number_of_results": 0, "results": [
      {"url": "https://p.org/fox", "title": "Fox", "img_src": "https://i.org/fox.jpg", "thumbnail_src": "https://t.org/fox.jpg", "resolution": "1920 x 1080", "img_format": "JPEG", "engine": "bing images", "template": "images.html"},
      {"url": "https://p.org/text", "title": "Text result"}], "unresponsive_engines": []})");
  REQUIRE(page.hits.size() == 1);
  CHECK(page.hits[0].url == "https://i.org/fox.jpg");
  CHECK(page.hits[0].page_url == "https://p.org/fox");
  CHECK(page.hits[0].width == 1920);
  CHECK(page.hits[0].height == 1080);
  CHECK(page.hits[0].format == "jpg");
  CHECK_FALSE(page.last);
  CHECK(d.Request().url.find("&pageno=2&") != std::string::npos);
  CHECK(d.Feed(200, R"({"results": [], "unresponsive_engines": []})").last);

  Drive forbidden("searxng", "fox", config);
  forbidden.Request();
  CHECK(forbidden.Feed(403, "Forbidden").error_code == "blocked");
  Drive upstream("searxng", "fox", config);
  upstream.Request();
  PageResult failed = upstream.Feed(
      200,
      R"({"results": [], "unresponsive_engines": [["bing images", "timeout"], ["google images", "CAPTCHA"]]})");
  CHECK(failed.error_code == "upstream_failed");
  CHECK(failed.error_message.find("google images (CAPTCHA)") != std::string::npos);
}

TEST_CASE("deeply nested markup is refused before gumbo, whose time grows with the square") {
  CHECK(HtmlDepthBound("<div><p>a</p><img src=x><br/><!-- <div><div> --></div>") == 2);
  CHECK(HtmlDepthBound("<script>if (a<b) { x = '<div><div><div>'; }</script><i>") == 1);
  CHECK(HtmlDepthBound("1 < 2 and <3") == 0);
  CHECK(HtmlDepthBound(Capture("bing_images_async_2020_real.html")) < 20);
  std::string deep = "<ul class=\"dgControl_list\">";
  for (int i = 0; i < 300000; ++i) deep += "<div>";
  PageResult bing = Drive("bing").Parse(deep);
  CHECK(bing.error_code == "malformed_response");
  CHECK(bing.error_message.find("nested more than 1000 levels") != std::string::npos);
  CHECK(Drive("google").Parse(deep, "google-html").error_code == "malformed_response");
  CHECK(HtmlToText(deep).empty());
  CHECK(HtmlToText("<a href=\"//x\">Jane</a> from  Qatar") == "Jane from Qatar");
}

// The services as they behave today (issue 15).

TEST_CASE("duckduckgo: i.js as the February 2026 bot protection wants it") {
  Drive d("duckduckgo");
  d.Request();
  d.Feed(200, Capture("duckduckgo_landing_vqd_RECONSTRUCTED.html"));
  HttpRequest ijs = d.Request();
  CHECK(ijs.url.find("&a=h_") != std::string::npos);
  CHECK(ijs.url.find("&ct=US") != std::string::npos);
  CHECK(ijs.url.find("&f=") == std::string::npos);  // no empty filter list
  CHECK(Header(ijs, "Cookie") == "ah=us-en; l=us-en; p=-1");
  CHECK(Header(ijs, "User-Agent").find("Firefox/128") == std::string::npos);
  // A CAPTCHA on a later page ends the search with a failure, not an empty page.
  d.Feed(200, Capture("duckduckgo_i_js_RECONSTRUCTED.json"));
  d.Request();
  PageResult captcha = d.Feed(200, "<html><form id=\"challenge-form\"></form></html>");
  CHECK(captcha.error_code == "captcha");
  CHECK(ProbeVerdict(captcha.error_code) == "blocked");

  EngineConfig world;
  world.params["region"] = "wt-wt";
  SearchFilters off;
  off.safe = SafeSearch::kOff;
  Drive w("duckduckgo", "x", world, off);
  w.Request();
  w.Feed(200, Capture("duckduckgo_landing_vqd_RECONSTRUCTED.html"));
  HttpRequest r = w.Request();
  CHECK(r.url.find("&ct=EN") != std::string::npos);
  CHECK(r.url.find("&p=-2") != std::string::npos);
  CHECK(Header(r, "Cookie") == "ah=wt-wt; l=wt-wt; p=-2");
}

TEST_CASE("google: HTML results are opt-in; a page without result links is blocked") {
  const EngineDef& google = kGoogleEngine;
  REQUIRE(static_cast<bool>(google.unavailable));
  EngineConfig plain;
  CHECK(google.unavailable(plain).find("Custom Search JSON API") != std::string::npos);
  EngineConfig html;
  html.params["mode"] = "html";
  CHECK(google.unavailable(html).empty());
  EngineConfig api;
  api.api_key = "k";
  api.params["cx"] = "cx1";
  CHECK(google.unavailable(api).empty());

  Drive d("google", "red fox", html);
  d.Request();
  PageResult blocked =
      d.Feed(200, "<?xml version=\"1.0\"?>\n<html><body><a href=\"/\">Google</a></body></html>");
  CHECK(blocked.error_code == "blocked");
  CHECK(blocked.error_message.find("2027-01-01") != std::string::npos);
  CHECK_FALSE(d.Next().has_value());
}

TEST_CASE("searxng: what the limiter wants, and what to do on its 429") {
  EngineConfig config;
  config.base_url = "http://127.0.0.1:8888";
  Drive d("searxng", "fox", config);
  HttpRequest r = d.Request();
  CHECK(Header(r, "Accept").find("text/html") != std::string::npos);
  CHECK_FALSE(Header(r, "Accept-Language").empty());
  CHECK(r.decode_content);
  // The limiter matches bot agents at the start ("curl...", "python-requests...").
  CHECK(Header(r, "User-Agent").rfind("PixCrawler/", 0) == 0);
  PageResult limited = d.Feed(429, "Too Many Requests");
  CHECK(limited.error_code == "rate_limited");
  CHECK(limited.error_message.find("pass_ip") != std::string::npos);
  CHECK(limited.error_message.find("limiter.toml") != std::string::npos);
}

TEST_CASE("wikimedia: the User-Agent policy's HTML error pages are read as text") {
  const std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\"><meta charset=\"utf-8\"><title>Wikimedia Error</title>"
      "<style>body { color: #333; }</style><div class=\"content\"><h1>Error</h1><p>Please set a "
      "user-agent and respect our robot policy https://w.wiki/4wJS.</p></div></html>";
  Drive d("wikimedia");
  d.Request();
  PageResult forbidden = d.Feed(403, page);
  CHECK(forbidden.error_code == "blocked");
  CHECK(forbidden.error_message.find("Please set a user-agent") != std::string::npos);
  CHECK(forbidden.error_message.find('<') == std::string::npos);
  CHECK(forbidden.error_message.find("color") == std::string::npos);
  Drive again("wikimedia");
  again.Request();
  PageResult limited = again.Feed(429, page);
  CHECK(limited.error_code == "rate_limited");
  CHECK(limited.error_message.find("wikimedia.contact") != std::string::npos);
}

TEST_CASE("openverse: a refused token is explained as expiry") {
  EngineConfig config;
  config.api_key = "old-token";
  Drive d("openverse", "fox", config);
  d.Request();
  PageResult r = d.Feed(401, R"({"detail": "Authentication credentials were not provided."})");
  CHECK(r.error_code == "unauthorized");
  CHECK(r.error_message.find("expire 12 hours") != std::string::npos);
  CHECK(ProbeVerdict(r.error_code) == "bad_key");
  Drive anonymous("openverse");
  anonymous.Request();
  CHECK(anonymous.Feed(401, "{}").error_message.find("at most 20") != std::string::npos);
}

TEST_CASE("bing: qft filters") {
  EngineConfig config;
  config.params = {{"time", "week"}, {"type", "photo"}, {"license", "public"}};
  SearchFilters filters;
  filters.min_width = 800;
  Drive d("bing", "fox", config, filters);
  const std::string url = d.Request().url;
  CHECK(url.find("&qft=%2Bfilterui%3Aage-lt10080%2Bfilterui%3Aphoto-photo%2Bfilterui%3Alicense-"
                 "L1%2Bfilterui%3Aimagesize-custom_800_1") != std::string::npos);
  config.params = {{"time", "decade"}};
  CHECK(ResolveEngineConfig(kBingEngine, config).status().message().find("bing.time") !=
        std::string::npos);
  CHECK(Drive("bing").Request().url.find("qft") == std::string::npos);
}

TEST_CASE("capture: requests and responses saved with keys masked") {
  char tmpl[] = "/tmp/pix-capture-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto capture = ResponseCapture::Open(dir + "/cap");
  REQUIRE(capture.ok());
  HttpRequest request;
  request.url = "https://www.googleapis.com/customsearch/v1?key=SECRET1&cx=c&q=fox";
  request.headers = {{"Authorization", "Bearer SECRET2"}, {"Accept", "application/json"}};
  HttpResponse response;
  response.status = 200;
  response.headers = {{"content-type", "application/json; charset=UTF-8"}};
  REQUIRE((*capture)->Save("google", "fox", request, response, R"({"items": []})").ok());
  auto req = ReadFile(dir + "/cap/0001-google.request.json");
  REQUIRE(req.ok());
  CHECK(req->find("SECRET") == std::string::npos);
  CHECK(req->find("key=***") != std::string::npos);
  CHECK(req->find(R"("Authorization":"***")") != std::string::npos);
  auto res = ReadFile(dir + "/cap/0001-google.response.json");
  REQUIRE(res.ok());
  CHECK(res->find(R"("body_file":"0001-google.body.json")") != std::string::npos);
  CHECK(*ReadFile(dir + "/cap/0001-google.body.json") == R"({"items": []})");
  std::filesystem::remove_all(dir);
}

TEST_CASE("probe: verdicts and table") {
  CHECK(ProbeVerdict("") == "ok");
  CHECK(ProbeVerdict("consent") == "blocked");
  CHECK(ProbeVerdict("tls_error") == "blocked");
  CHECK(ProbeVerdict("rate_limited") == "blocked");
  CHECK(ProbeVerdict("bad_key") == "bad_key");
  CHECK(ProbeVerdict("no_results") == "no_results");
  CHECK(ProbeVerdict("timeout") == "failed");
  ProbeResult ok{"bing", "ok", "", "35 results on the first page", 35, 200, 1.25};
  ProbeResult no{"google", "blocked", "blocked", "no links", 0, 200, 0.5};
  const std::string table = ProbeTable({ok, no});
  CHECK(table.find("bing    ok") != std::string::npos);
  CHECK(table.find("blocked: no links [HTTP 200]") != std::string::npos);
}

TEST_CASE("openverse: client credentials, the token answer and its errors") {
  const TokenGrant* grant = kOpenverseEngine.token_grant;
  REQUIRE(grant);
  EngineConfig config;
  config.params = {{"client_id", "app 1"}, {"client_secret", "s&cret"}};
  auto resolved = ResolveEngineConfig(kOpenverseEngine, config);
  REQUIRE_MESSAGE(resolved.ok(), resolved.status().message());
  CHECK(grant->wanted(*resolved));
  HttpRequest r = grant->request(*resolved);
  CHECK(r.method == "POST");
  CHECK(r.url == "https://api.openverse.org/v1/auth_tokens/token/");
  CHECK(r.body == "client_id=app%201&client_secret=s%26cret&grant_type=client_credentials");
  CHECK(Header(r, "Content-Type") == "application/x-www-form-urlencoded");

  TokenAnswer ok = grant->parse(
      200,
      R"({"access_token": "tok1", "scope": "read", "expires_in": 43200, "token_type": "Bearer"})");
  CHECK(ok.error_code.empty());
  CHECK(ok.authorization == "Bearer tok1");
  TokenAnswer bad = grant->parse(401, R"({"error": "invalid_client"})");
  CHECK(bad.error_code == "unauthorized");
  CHECK(bad.error_message.find("invalid_client") != std::string::npos);
  CHECK(bad.error_message.find("openverse.client_id") != std::string::npos);
  CHECK(bad.error_message.find("PIX_ENGINE_OPENVERSE_CLIENT_SECRET") != std::string::npos);
  CHECK(ProbeVerdict(bad.error_code) == "bad_key");
  TokenAnswer grant_type =
      grant->parse(400, R"({"error": "unsupported_grant_type", "error_description": "x"})");
  CHECK(grant_type.error_code == "unauthorized");
  CHECK(grant_type.error_message.find("unsupported_grant_type: x") != std::string::npos);
  CHECK(grant->parse(200, R"({"token_type": "Bearer"})").error_code == "malformed_response");
  CHECK(grant->parse(200, R"({"access_token": "t", "token_type": "MAC"})").error_code ==
        "malformed_response");
  CHECK(grant->parse(200, "<html>").error_code == "malformed_response");
  CHECK(grant->parse(503, "busy").error_code == "server_error");

  // Settings: both halves, and not with a ready token besides.
  EngineConfig half;
  half.params = {{"client_id", "app"}};
  CHECK(ResolveEngineConfig(kOpenverseEngine, half).status().message().find("no client secret") !=
        std::string::npos);
  half.params = {{"client_secret", "s"}};
  CHECK_FALSE(ResolveEngineConfig(kOpenverseEngine, half).ok());
  config.api_key = "tok";
  CHECK_FALSE(ResolveEngineConfig(kOpenverseEngine, config).ok());

  // With credentials, pages are big.
  Drive d("openverse", "fox", *resolved);
  CHECK(d.Request().url.find("page_size=100") != std::string::npos);
  d.Request();
  CHECK(d.Feed(401, "{}").error_message.find("freshly issued") != std::string::npos);
}

TEST_CASE("access token: fetched once, renewed after a refusal, failed for good") {
  EngineConfig config;
  config.params = {{"client_id", "app"}, {"client_secret", "s"}};
  config.base_url = "http://ov.test";
  AccessToken none(kBingEngine, config);
  CHECK_FALSE(none.in_use());
  CHECK_FALSE(none.NeedsRequest());

  AccessToken token(kOpenverseEngine, config);
  REQUIRE(token.in_use());
  REQUIRE(token.NeedsRequest());
  HttpRequest r = token.Request();
  CHECK_FALSE(r.follow_redirects);
  CHECK_FALSE(token.NeedsRequest());  // one in flight
  HttpResponse response;
  response.status = 200;
  token.OnResponse(response, R"({"access_token": "t1", "token_type": "Bearer"})");
  REQUIRE(token.ready());
  HttpRequest page;
  page.headers = {{"Authorization", "Bearer stale"}, {"Accept", "application/json"}};
  const uint64_t first = token.Authorize(&page);
  CHECK(Header(page, "Authorization") == "Bearer t1");
  CHECK(page.headers.size() == 2);
  token.Refused(first);
  CHECK(token.NeedsRequest());
  token.Request();
  token.OnResponse(response, R"({"access_token": "t2", "token_type": "bearer"})");
  const uint64_t second = token.Authorize(&page);
  CHECK(second != first);
  CHECK(Header(page, "Authorization") == "Bearer t2");
  token.Refused(first);  // a refusal of the old token: the new one stays
  CHECK(token.ready());
  token.Refused(second);
  token.Request();
  response.status = 401;
  token.OnResponse(response, R"({"error": "invalid_client"})");
  CHECK(token.failed());
  CHECK_FALSE(token.NeedsRequest());
  CHECK(token.error_code() == "unauthorized");
  HttpResponse lost;
  lost.error_code = "connect_failed";
  lost.error_message = "no route";
  AccessToken unreachable(kOpenverseEngine, config);
  unreachable.Request();
  unreachable.OnResponse(lost, "");
  CHECK(unreachable.error_code() == "connect_failed");
  CHECK(unreachable.error_message().find("token request") != std::string::npos);
}

}  // namespace pix
