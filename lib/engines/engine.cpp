#include "engines/engine.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include "base/version.h"
#include "engines/page_parsing.h"

namespace pix {

const char kBrowserUserAgent[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:146.0) Gecko/20100101 Firefox/146.0";

std::string AcceptLanguage(std::string_view language) {
  if (language.empty() || language == "en-US" || language == "en-us" || language == "en") {
    return "en-US,en;q=0.9";
  }
  return fmt::format("{},en;q=0.5", language);
}

std::string EngineConfig::Param(const std::string& key, std::string fallback) const {
  auto it = params.find(key);
  return it == params.end() || it->second.empty() ? fallback : it->second;
}

PageResult PageResult::Failure(std::string code, std::string message) {
  PageResult r;
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  r.last = true;
  return r;
}

std::string DescriptiveUserAgent(std::string_view contact) {
  return fmt::format("PixCrawler/{} ({}{}image dataset builder) libcurl/{}", kVersion, contact,
                     contact.empty() ? "" : "; ", curl_version_info(CURLVERSION_NOW)->version);
}

void SetUserAgent(HttpRequest* request, const EngineConfig& config, std::string_view fallback) {
  request->headers.emplace_back(
      "User-Agent", config.user_agent.empty() ? std::string(fallback) : config.user_agent);
}

PageResult DeepMarkupFailure() {
  return PageResult::Failure(
      "malformed_response",
      fmt::format("the page's markup is nested more than {} levels deep; not parsed",
                  HtmlDocument::kMaxHtmlDepth));
}

std::string BodyExcerpt(std::string_view body, size_t n) {
  std::string out(body.substr(0, n));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (body.size() > n) out += "...";
  return out;
}

std::string BodyText(std::string_view body, size_t n) {
  const size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body[start] != '<') return BodyExcerpt(body, n);
  const std::string text = HtmlToText(body);
  return text.empty() ? BodyExcerpt(body, n) : BodyExcerpt(text, n);
}

PageResult FailureForStatus(long status, std::string_view body) {
  const std::string excerpt = body.empty() ? "empty body" : BodyExcerpt(body);
  const std::string message = fmt::format("HTTP {}: {}", status, excerpt);
  if (status == 429) return PageResult::Failure("rate_limited", message);
  if (status == 401) return PageResult::Failure("unauthorized", message);
  if (status == 403) return PageResult::Failure("blocked", message);
  if (status >= 500 && status < 600) return PageResult::Failure("server_error", message);
  return PageResult::Failure(fmt::format("http_{}", status), message);
}

HttpRequest JsonApiRequest(std::string url, const EngineConfig& config) {
  HttpRequest r;
  r.url = std::move(url);
  r.headers.emplace_back("Accept", "application/json");
  SetUserAgent(&r, config, DescriptiveUserAgent(config.Param("contact")));
  return r;
}

std::optional<PageResult> ParseJsonList(std::string_view body, std::string_view key,
                                        std::string_view source, JsonElement* root,
                                        JsonElement* list) {
  auto json = ParseJson(body);
  if (!json.ok()) {
    return PageResult::Failure("malformed_response",
                               fmt::format("{}: {}", source, json.status().message()));
  }
  *root = *json;
  auto field = JsonField(*json, key);
  if (!field || !JsonIsArray(*field)) {
    return PageResult::Failure("malformed_response",
                               fmt::format("{}: no \"{}\" array", source, key));
  }
  *list = *field;
  return std::nullopt;
}

}  // namespace pix
