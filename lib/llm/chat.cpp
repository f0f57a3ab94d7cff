#include "llm/chat.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/base64.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

bool TextOnly(const ChatMessage& m) {
  for (const ContentPart& p : m.content) {
    if (p.kind != ContentPart::Kind::kText) return false;
  }
  return true;
}

std::string JoinedText(const ChatMessage& m) {
  std::string out;
  for (const ContentPart& p : m.content) {
    if (!out.empty()) out += "\n\n";
    out += p.text;
  }
  return out;
}

void AppendContent(JsonBuilder& j, LlmProtocol protocol, const ChatMessage& m) {
  if (TextOnly(m)) {
    j.String(JoinedText(m));
    return;
  }
  j.BeginArray();
  for (const ContentPart& p : m.content) {
    j.BeginObject();
    if (p.kind == ContentPart::Kind::kText) {
      j.Key("type").String("text").Key("text").String(p.text);
    } else if (protocol == LlmProtocol::kOpenAi) {
      j.Key("type").String("image_url").Key("image_url").BeginObject();
      j.Key("url").String("data:" + p.media_type + ";base64," + Base64Encode(p.data)).EndObject();
    } else {
      j.Key("type").String("image").Key("source").BeginObject();
      j.Key("type").String("base64").Key("media_type").String(p.media_type);
      j.Key("data").String(Base64Encode(p.data)).EndObject();
    }
    j.EndObject();
  }
  j.EndArray();
}

std::string Snippet(std::string_view body) {
  constexpr size_t kMax = 200;
  std::string s(body.substr(0, kMax));
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (body.size() > kMax) s += "...";
  return s;
}

// The message of an API error object: {"error": {"message": ...}} (OpenAI,
// Anthropic, vLLM) or {"error": "..."} (Ollama, llama.cpp).
std::string ApiErrorMessage(simdjson::dom::element root) {
  simdjson::dom::element error;
  if (root["error"].get(error)) return "";
  std::string_view s;
  if (!error.get(s)) return std::string(s);
  if (!error["message"].get(s)) return std::string(s);
  if (!error["type"].get(s)) return std::string(s);
  return "";
}

// The `code` or `type` of an API error object ("insufficient_quota",
// "overloaded_error", ...); "" when none.
std::string ApiErrorKind(simdjson::dom::element root, const char* field) {
  std::string_view s;
  if (!root["error"][field].get(s)) return std::string(s);
  return "";
}

bool Contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A server that cannot take the input as sent: llama.cpp without --mmproj
// ("image input is not supported"), text-only models elsewhere.
bool IsUnsupportedInput(std::string_view message) {
  const std::string m = Lower(message);
  return Contains(m, "image input is not supported") || Contains(m, "mmproj") ||
         Contains(m, "does not support image") || Contains(m, "does not support vision") ||
         Contains(m, "multimodal is not supported") || Contains(m, "images are not supported");
}

bool IsQuotaExhausted(std::string_view kind, std::string_view message) {
  const std::string m = Lower(message);
  return kind == "insufficient_quota" || Contains(m, "exceeded your current quota") ||
         Contains(m, "spend limit") || Contains(m, "credit balance is too low") ||
         Contains(m, "billing_hard_limit");
}

std::string ErrorCodeForStatus(long status) {
  if (status >= 300 && status <= 399) return "llm_redirected";
  if (status == 401 || status == 403) return "llm_unauthorized";
  if (status == 404) return "llm_not_found";
  if (status == 400 || status == 413 || status == 422) return "llm_bad_request";
  if (status == 429) return "llm_rate_limited";
  if (status >= 500 && status <= 599) return "llm_server_error";
  return "llm_http_error";
}

int64_t IntOr0(simdjson::dom::element e, const char* a, const char* b) {
  int64_t v = 0;
  if (e[a][b].get(v)) return 0;
  return v;
}

void ParseOpenAi(simdjson::dom::element root, ChatResult* r) {
  simdjson::dom::element message;
  std::string_view s;
  if (!root["choices"].at(0)["finish_reason"].get(s)) r->finish_reason = s;
  if (root["choices"].at(0)["message"].get(message)) {
    r->error_code = "llm_bad_response";
    r->error_message = "the response has no choices[0].message";
    return;
  }
  simdjson::dom::element content;
  if (!message["content"].get(content)) {
    if (!content.get(s)) {
      r->text = s;
    } else if (content.is_array()) {  // some servers answer with content parts
      for (simdjson::dom::element part : content.get_array()) {
        if (!part["text"].get(s)) r->text += s;
      }
    }
  }
  if (r->text.empty() && !message["refusal"].get(s) && !s.empty()) {
    r->error_code = "llm_empty_answer";
    r->error_message = "the model refused: " + Snippet(s);
  }
  r->input_tokens = IntOr0(root, "usage", "prompt_tokens");
  r->output_tokens = IntOr0(root, "usage", "completion_tokens");
}

void ParseAnthropic(simdjson::dom::element root, ChatResult* r) {
  std::string_view s;
  if (!root["stop_reason"].get(s)) r->finish_reason = s;
  simdjson::dom::array blocks;
  if (root["content"].get(blocks)) {
    r->error_code = "llm_bad_response";
    r->error_message = "the response has no content array";
    return;
  }
  for (simdjson::dom::element block : blocks) {
    std::string_view type;
    if (!block["type"].get(type) && type == "text" && !block["text"].get(s)) r->text += s;
  }
  r->input_tokens = IntOr0(root, "usage", "input_tokens");
  r->output_tokens = IntOr0(root, "usage", "output_tokens");
}

}  // namespace

Result<LlmProtocol> ParseLlmProtocol(std::string_view name) {
  if (name == "openai") return LlmProtocol::kOpenAi;
  if (name == "anthropic") return LlmProtocol::kAnthropic;
  return Status::InvalidArgument("unknown LLM provider \"" + std::string(name) +
                                 "\" (openai or anthropic; openai also covers Ollama, "
                                 "llama.cpp and vLLM)");
}

const char* LlmProtocolName(LlmProtocol protocol) {
  return protocol == LlmProtocol::kAnthropic ? "anthropic" : "openai";
}

Result<TokenLimitField> ParseTokenLimitField(std::string_view name) {
  if (name == "auto") return TokenLimitField::kAuto;
  if (name == "max_tokens") return TokenLimitField::kMaxTokens;
  if (name == "max_completion_tokens") return TokenLimitField::kMaxCompletionTokens;
  return Status::InvalidArgument("unknown token limit field \"" + std::string(name) +
                                 "\" (auto, max_tokens or max_completion_tokens)");
}

const char* TokenLimitFieldName(TokenLimitField field) {
  switch (field) {
    case TokenLimitField::kMaxTokens:
      return "max_tokens";
    case TokenLimitField::kMaxCompletionTokens:
      return "max_completion_tokens";
    case TokenLimitField::kAuto:
      break;
  }
  return "auto";
}

bool LlmEndpoint::IsProviderHost() const {
  const std::string base = EffectiveBaseUrl();
  const std::string host =
      protocol == LlmProtocol::kAnthropic ? "https://api.anthropic.com" : "https://api.openai.com";
  if (base.size() < host.size() || Lower(base.substr(0, host.size())) != host) return false;
  return base.size() == host.size() || base[host.size()] == '/';
}

TokenLimitField LlmEndpoint::EffectiveTokenLimitField() const {
  if (protocol == LlmProtocol::kAnthropic) return TokenLimitField::kMaxTokens;
  if (token_limit_field != TokenLimitField::kAuto) return token_limit_field;
  return IsProviderHost() ? TokenLimitField::kMaxCompletionTokens : TokenLimitField::kMaxTokens;
}

Status LlmEndpoint::Check() const {
  const double top = protocol == LlmProtocol::kAnthropic ? 1.0 : 2.0;
  if (temperature && !(*temperature >= 0 && *temperature <= top)) {
    return Status::InvalidArgument(fmt::format("temperature {} is outside {}'s range 0..{}",
                                               *temperature, LlmProtocolName(protocol), top));
  }
  if (!reasoning_effort.empty()) {
    if (protocol == LlmProtocol::kAnthropic) {
      return Status::InvalidArgument(
          "reasoning_effort is an OpenAI-protocol setting (OpenAI, Ollama, vLLM); Anthropic "
          "has none");
    }
    static constexpr std::string_view kLevels[] = {"none", "minimal", "low", "medium", "high"};
    if (std::find(std::begin(kLevels), std::end(kLevels), reasoning_effort) == std::end(kLevels)) {
      return Status::InvalidArgument("reasoning_effort '" + reasoning_effort +
                                     "' is not none, minimal, low, medium or high");
    }
  }
  return Status::Ok();
}

std::string LlmEndpoint::EffectiveBaseUrl() const {
  std::string base = base_url;
  if (base.empty()) {
    base = protocol == LlmProtocol::kAnthropic ? "https://api.anthropic.com/v1"
                                               : "https://api.openai.com/v1";
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string LlmEndpoint::EffectiveApiKeyEnv() const {
  if (!api_key_env.empty()) return api_key_env;
  return protocol == LlmProtocol::kAnthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
}

std::string LlmEndpoint::Url() const {
  return EffectiveBaseUrl() +
         (protocol == LlmProtocol::kAnthropic ? "/messages" : "/chat/completions");
}

ContentPart ContentPart::Text(std::string text) {
  ContentPart p;
  p.text = std::move(text);
  return p;
}

ContentPart ContentPart::Image(std::string media_type, std::string bytes) {
  ContentPart p;
  p.kind = Kind::kImage;
  p.media_type = std::move(media_type);
  p.data = std::move(bytes);
  return p;
}

ChatRequest ChatRequest::FromPrompt(std::string system, std::string user) {
  ChatRequest r;
  r.system = std::move(system);
  r.messages.push_back({"user", {ContentPart::Text(std::move(user))}});
  return r;
}

std::string BuildChatBody(const LlmEndpoint& e, const ChatRequest& request) {
  JsonBuilder j;
  j.BeginObject().Key("model").String(e.model);
  if (e.protocol == LlmProtocol::kAnthropic) {
    j.Key("max_tokens").Int(e.max_tokens > 0 ? e.max_tokens : 1024);
    if (!request.system.empty()) j.Key("system").String(request.system);
  } else if (e.max_tokens > 0) {
    j.Key(TokenLimitFieldName(e.EffectiveTokenLimitField())).Int(e.max_tokens);
  }
  if (e.temperature) j.Key("temperature").Double(*e.temperature);
  if (e.protocol == LlmProtocol::kOpenAi && !e.reasoning_effort.empty()) {
    j.Key("reasoning_effort").String(e.reasoning_effort);
  }
  if (e.protocol == LlmProtocol::kOpenAi && e.json_mode) {
    j.Key("response_format").BeginObject().Key("type").String("json_object").EndObject();
  }
  j.Key("messages").BeginArray();
  if (e.protocol == LlmProtocol::kOpenAi && !request.system.empty()) {
    j.BeginObject().Key("role").String("system").Key("content").String(request.system).EndObject();
  }
  for (const ChatMessage& m : request.messages) {
    j.BeginObject().Key("role").String(m.role).Key("content");
    AppendContent(j, e.protocol, m);
    j.EndObject();
  }
  j.EndArray();
  if (e.protocol == LlmProtocol::kOpenAi) j.Key("stream").Bool(false);
  j.EndObject();
  return j.Take();
}

HttpRequest BuildChatHttpRequest(const LlmEndpoint& e, const ChatRequest& request) {
  HttpRequest r;
  r.url = e.Url();
  r.method = "POST";
  r.body = BuildChatBody(e, request);
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Accept", "application/json");
  // The key travels in a header that curl would copy to another host on a
  // redirect; and the status decides retries only once the body is read.
  r.follow_redirects = false;
  r.retry_status = false;
  if (e.protocol == LlmProtocol::kAnthropic) {
    r.headers.emplace_back("anthropic-version", e.anthropic_version);
    if (!e.api_key.empty()) r.headers.emplace_back("x-api-key", e.api_key);
  } else if (!e.api_key.empty()) {
    r.headers.emplace_back("Authorization", "Bearer " + e.api_key);
  }
  return r;
}

ChatResult ParseChatResponse(LlmProtocol protocol, const HttpResponse& response,
                             std::string_view body) {
  ChatResult r;
  r.http_status = response.status;
  if (!response.ok()) {
    r.error_code = "llm_" + response.error_code;
    r.error_message = response.error_message;
    return r;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  const bool parsed = !parser.parse(body.data(), body.size()).get(root);
  const std::string api_message = MaskKeyText(parsed ? ApiErrorMessage(root) : "");
  if (response.status < 200 || response.status > 299) {
    const std::string quoted = api_message.empty() ? MaskKeyText(Snippet(body)) : api_message;
    r.error_code = ErrorCodeForStatus(response.status);
    r.error_message = fmt::format("HTTP {} from the LLM server: {}", response.status, quoted);
    const std::string kind = parsed ? ApiErrorKind(root, "code") : "";
    if (r.error_code == "llm_redirected") {
      const auto location = response.Header("location");
      r.error_message = fmt::format(
          "HTTP {} redirect to {} not followed: requests that carry an API key never follow "
          "redirects; set the base URL to the address that answers",
          response.status, location ? MaskKeyText(*location) : std::string("(no Location)"));
    } else if (response.status == 429 && IsQuotaExhausted(kind, quoted)) {
      r.error_code = "llm_quota_exceeded";
      r.error_message += " (the account's quota or spend limit is used up; not retried)";
    } else if ((response.status == 400 || response.status >= 500) && IsUnsupportedInput(quoted)) {
      r.error_code = "llm_unsupported_input";
      r.error_message +=
          " (this server cannot read images: use a vision model; llama.cpp's server needs "
          "--mmproj)";
    }
    return r;
  }
  if (!parsed || !root.is_object()) {
    r.error_code = "llm_bad_response";
    r.error_message = "the response is not a JSON object: " + Snippet(body);
    return r;
  }
  if (!api_message.empty()) {
    r.error_code = "llm_bad_response";
    r.error_message = "the server sent an error with HTTP " + std::to_string(response.status) +
                      ": " + api_message;
    return r;
  }
  if (protocol == LlmProtocol::kAnthropic) {
    ParseAnthropic(root, &r);
  } else {
    ParseOpenAi(root, &r);
  }
  if (r.ok() && r.text.empty()) {
    r.error_code = "llm_empty_answer";
    r.error_message = "the response has no answer text (finish reason: " +
                      (r.finish_reason.empty() ? std::string("none") : r.finish_reason) + ")";
    if (r.truncated()) {
      int64_t reasoning = 0;
      if (protocol == LlmProtocol::kOpenAi &&
          root.at_pointer("/usage/completion_tokens_details/reasoning_tokens").get(reasoning)) {
        reasoning = 0;
      }
      r.error_message += fmt::format(
          ": the token limit ran out before the answer began{}; a reasoning model's hidden "
          "reasoning counts toward max_tokens: raise max_tokens, or set reasoning_effort "
          "(e.g. low)",
          reasoning > 0 ? fmt::format(" ({} reasoning tokens)", reasoning) : "");
    }
  }
  return r;
}

std::string UnsupportedParameter(const HttpResponse& response, std::string_view body) {
  if (response.status != 400 && response.status != 422) return "";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root)) return "";
  static constexpr std::string_view kNames[] = {"max_completion_tokens", "max_tokens",
                                                "temperature"};
  const std::string param = ApiErrorKind(root, "param");
  for (std::string_view name : kNames) {
    if (param == name) return param;
  }
  const std::string message = Lower(ApiErrorMessage(root));
  if (!Contains(message, "unsupported") && !Contains(message, "not supported") &&
      !Contains(message, "deprecated") && !Contains(message, "unrecognized") &&
      !Contains(message, "not permitted") && !Contains(message, "unknown")) {
    return "";
  }
  // The first name mentioned: "'max_tokens' is not supported ... use
  // 'max_completion_tokens' instead" names max_tokens.
  size_t best = std::string::npos;
  std::string found;
  for (std::string_view name : kNames) {
    size_t pos = 0;
    while ((pos = message.find(name, pos)) != std::string::npos) {
      // A whole word: "max_tokens" inside "max_completion_tokens" does not count.
      const bool left = pos == 0 || !(std::isalnum(static_cast<unsigned char>(message[pos - 1])) ||
                                      message[pos - 1] == '_');
      const size_t end = pos + name.size();
      const bool right =
          end >= message.size() ||
          !(std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '_');
      if (left && right) break;
      pos = end;
    }
    if (pos < best) {
      best = pos;
      found = std::string(name);
    }
  }
  return found;
}

ChatRetry DecideChatRetry(const HttpResponse& response, const ChatResult& result, int attempts,
                          const RetryPolicy& policy) {
  ChatRetry out;
  if (result.ok() || !response.ok()) return out;  // transport failures: the HTTP client's
  if (result.error_code == "llm_quota_exceeded" || result.error_code == "llm_unsupported_input") {
    return out;
  }
  const long status = response.status;
  bool retryable =
      status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
  if (auto should = response.Header("x-should-retry")) {
    if (*should == "true") retryable = true;
    if (*should == "false") {
      if (retryable) out.why_not = " (the server said not to retry: x-should-retry: false)";
      return out;
    }
  }
  if (!retryable) return out;
  std::optional<std::chrono::milliseconds> wait;
  if (auto ms = response.Header("retry-after-ms")) {
    char* end = nullptr;
    const std::string text(*ms);
    const double v = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && v >= 0 && v < 1e12)
      wait = std::chrono::milliseconds(static_cast<int64_t>(v));
  }
  if (!wait) {
    if (auto after = response.Header("retry-after")) {
      wait = ParseRetryAfter(*after, std::chrono::system_clock::now());
    }
  }
  if (wait && *wait > policy.max_retry_after) {
    out.why_not = fmt::format(
        " (the server asks to wait {} s, longer than the longest wait of {} s: not retried)",
        wait->count() / 1000, policy.max_retry_after.count() / 1000);
    return out;
  }
  if (attempts > policy.max_retries) return out;
  out.retry = true;
  out.delay = wait;
  return out;
}

std::string MaskKeyText(std::string_view text, std::string_view key) {
  std::string s(text);
  auto mask = [](std::string_view secret) {
    return std::string(secret.substr(0, std::min<size_t>(3, secret.size()))) + "***";
  };
  if (key.size() >= 4) {
    size_t pos = 0;
    const std::string masked = mask(key);
    while ((pos = s.find(key, pos)) != std::string::npos) {
      s.replace(pos, key.size(), masked);
      pos += masked.size();
    }
  }
  auto is_key_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  };
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (!is_key_char(s[i])) {
      out += s[i++];
      continue;
    }
    size_t j = i;
    while (j < s.size() && is_key_char(s[j])) ++j;
    const std::string_view word(s.data() + i, j - i);
    bool digits = false, letters = false;
    for (char c : word) {
      digits |= std::isdigit(static_cast<unsigned char>(c)) != 0;
      letters |= std::isalpha(static_cast<unsigned char>(c)) != 0;
    }
    const bool prefixed = (word.rfind("sk-", 0) == 0 || word.rfind("sk_", 0) == 0 ||
                           word.rfind("key-", 0) == 0 || word.rfind("AIza", 0) == 0) &&
                          word.size() >= 10;
    if (prefixed || (word.size() >= 24 && digits && letters)) {
      out += mask(word);
    } else {
      out += word;
    }
    i = j;
  }
  return out;
}

}  // namespace pix
