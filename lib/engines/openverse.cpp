// Openverse (WordPress's catalogue of openly licensed media): /v1/images/
// with `page` and `page_size`. Anonymous clients get at most 20 results a
// page (more is HTTP 401) and 20 pages (more is HTTP 400); an access token
// allows pages of up to 500. Tokens come from /v1/auth_tokens/token/ for a
// registered application's client_id and client_secret (OAuth2 client
// credentials grant, form-encoded POST; the answer is {"access_token",
// "token_type": "Bearer", "expires_in": 43200, "scope"}) and expire after
// 12 hours, when requests get 401. With client_id and a client secret the
// caller fetches tokens through kOpenverseTokenGrant and renews them on
// 401 (access_token.h); a token fetched by hand can be given as api_key
// instead, and is then used until it expires. Every result carries its
// licence, version, deed URL and creator. ENGINES.md section 5.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
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

constexpr char kSecretHelp[] =
    "the client secret (PIX_ENGINE_OPENVERSE_CLIENT_SECRET, or the variable named by "
    "openverse.client_secret_env)";

bool HasCredentials(const EngineConfig& config) { return !config.Param("client_id").empty(); }

// "HTTP <status>: <detail>" from a DRF error ({"detail": "..."}), an OAuth2
// error ({"error": "...", "error_description": "..."}) or the body itself.
std::string ErrorText(long status, std::string_view body) {
  std::string detail = BodyExcerpt(body);
  if (auto json = ParseJson(body); json.ok() && JsonIsObject(*json)) {
    if (std::string d = JsonString(*json, "detail"); !d.empty()) {
      detail = d;
    } else if (std::string e = JsonString(*json, "error"); !e.empty()) {
      detail = e;
      if (std::string why = JsonString(*json, "error_description"); !why.empty())
        detail += ": " + why;
    }
  }
  return fmt::format("HTTP {}: {}", status, detail);
}

PageResult Failure(long status, std::string_view body, const EngineConfig& config) {
  // Validation errors: {"field": ["..."]}, quoted as they are.
  const std::string text = ErrorText(status, body);
  if (status == 401 && HasCredentials(config)) {
    // The caller renewed the token once for this page already.
    return PageResult::Failure(
        "unauthorized",
        text + fmt::format(" (Openverse refused a freshly issued access token too: check that "
                           "the application of openverse.client_id '{}' is verified and "
                           "allowed to search)",
                           config.Param("client_id")));
  }
  if (status == 401 && !config.api_key.empty()) {
    return PageResult::Failure(
        "unauthorized",
        text +
            " (Openverse refused the access token: tokens expire 12 hours after they are "
            "issued; give openverse.client_id and the client secret instead, and pix-search "
            "fetches and renews tokens itself)");
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
    if (!config.api_key.empty() || HasCredentials(config)) {
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
    PageResult page =
        response.status == 200 ? ParsePage(body) : Failure(response.status, body, config_);
    return Settle(std::move(page), ++page_ > kMaxPages);
  }

 private:
  int page_ = 1;
  int page_size_;
};

// The token endpoint (OAuth2 client credentials, RFC 6749 section 4.4).
HttpRequest TokenRequest(const EngineConfig& config) {
  HttpRequest r = JsonApiRequest(config.base_url + "/v1/auth_tokens/token/", config);
  r.method = "POST";
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  QueryBuilder form;
  form.Add("client_id", config.Param("client_id"))
      .Add("client_secret", config.Param("client_secret"))
      .Add("grant_type", "client_credentials");
  r.body = form.str();
  return r;
}

TokenAnswer ParseToken(long status, std::string_view body) {
  TokenAnswer answer;
  if (status == 400 || status == 401) {
    // {"error": "invalid_client"} for an unknown id or a wrong secret.
    answer.error_code = "unauthorized";
    answer.error_message = fmt::format(
        "Openverse refused the client credentials ({}): check openverse.client_id and {}",
        ErrorText(status, body), kSecretHelp);
    return answer;
  }
  if (status != 200) {
    PageResult failure = FailureForStatus(status, body);
    answer.error_code = failure.error_code;
    answer.error_message = "the token request failed: " + failure.error_message;
    return answer;
  }
  auto json = ParseJson(body);
  std::string token, type;
  if (json.ok() && JsonIsObject(*json)) {
    token = JsonString(*json, "access_token");
    type = JsonString(*json, "token_type");
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (token.empty() || (!type.empty() && type != "bearer")) {
    answer.error_code = "malformed_response";
    answer.error_message = "the token answer has no Bearer access_token: " + BodyExcerpt(body);
    return answer;
  }
  answer.authorization = "Bearer " + token;
  return answer;
}

Status Validate(const EngineConfig& config) {
  const bool id = HasCredentials(config), secret = !config.Param("client_secret").empty();
  if (id && !secret) {
    return Status::InvalidArgument(
        std::string("openverse.client_id is set but there is no client secret: give ") +
        kSecretHelp);
  }
  if (secret && !id) {
    return Status::InvalidArgument(
        "openverse has a client secret but no client_id: set openverse.client_id too");
  }
  if (id && !config.api_key.empty()) {
    return Status::InvalidArgument(
        "openverse: give either api_key (a token) or client_id and a client secret, not both");
  }
  return Status::Ok();
}

const TokenGrant kOpenverseTokenGrant = {
    .wanted = &HasCredentials,
    .request = &TokenRequest,
    .parse = &ParseToken,
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
                "results a page with client credentials or a token (api_key), 1 to 500; "
                "default 100 (anonymous: always 20)"},
               {"client_id",
                "the client_id of an application registered at /v1/auth_tokens/register/; "
                "with the client secret, pix-search fetches access tokens and renews them"},
               {"client_secret",
                "the application's client secret: from the environment only "
                "(PIX_ENGINE_OPENVERSE_CLIENT_SECRET, or the variable named by client_secret_env)",
                true},
               {"client_secret_env", "the environment variable holding the client secret"}},
    .validate = &Validate,
    .advice = nullptr,
    .unavailable = nullptr,
    .create = &CreateSearch<OpenverseSearch>,
    .parsers = {{"openverse", &ParsePage}},
    .token_grant = &kOpenverseTokenGrant,
};

}  // namespace pix
