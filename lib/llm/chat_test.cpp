#include "llm/chat.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "llm/chat_cache.h"
#include "llm/chat_client.h"
#include "llm/llm_flags.h"

namespace pix {
namespace {

std::optional<std::string_view> HeaderOf(const HttpRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

HttpResponse Status200(long status = 200) {
  HttpResponse r;
  r.status = status;
  return r;
}

TEST_CASE("chat: OpenAI-compatible request") {
  LlmEndpoint e;
  e.base_url = "http://127.0.0.1:11434/v1/";
  e.model = "llama3";
  e.api_key = "sk-test";
  auto r = BuildChatHttpRequest(e, ChatRequest::FromPrompt("be brief", "say \"hi\""));
  CHECK(r.url == "http://127.0.0.1:11434/v1/chat/completions");
  CHECK(r.method == "POST");
  CHECK(*HeaderOf(r, "Authorization") == "Bearer sk-test");
  CHECK(*HeaderOf(r, "Content-Type") == "application/json");
  // No temperature unless asked for; a local server gets max_tokens.
  CHECK(r.body ==
        R"({"model":"llama3","max_tokens":1024,"messages":[)"
        R"({"role":"system","content":"be brief"},{"role":"user","content":"say \"hi\""}],)"
        R"("stream":false})");
  // Credentials never follow a redirect; statuses are judged by the client.
  CHECK_FALSE(r.follow_redirects);
  CHECK_FALSE(r.retry_status);

  e.api_key.clear();
  e.max_tokens = 0;
  e.temperature.reset();
  e.json_mode = true;
  r = BuildChatHttpRequest(e, ChatRequest::FromPrompt("", "x"));
  CHECK_FALSE(HeaderOf(r, "Authorization").has_value());
  CHECK(r.body == R"({"model":"llama3","response_format":{"type":"json_object"},"messages":[)"
                  R"({"role":"user","content":"x"}],"stream":false})");
}

TEST_CASE("chat: Anthropic request") {
  LlmEndpoint e;
  e.protocol = LlmProtocol::kAnthropic;
  e.model = "claude";
  e.api_key = "k";
  auto r = BuildChatHttpRequest(e, ChatRequest::FromPrompt("sys", "x"));
  CHECK(r.url == "https://api.anthropic.com/v1/messages");
  CHECK(*HeaderOf(r, "x-api-key") == "k");
  CHECK(*HeaderOf(r, "anthropic-version") == "2023-06-01");
  CHECK_FALSE(HeaderOf(r, "Authorization").has_value());
  CHECK(r.body == R"({"model":"claude","max_tokens":1024,"system":"sys",)"
                  R"("messages":[{"role":"user","content":"x"}]})");
  CHECK_FALSE(r.follow_redirects);
  CHECK(e.EffectiveApiKeyEnv() == "ANTHROPIC_API_KEY");
}

TEST_CASE("chat: token field by provider, temperature and reasoning effort") {
  LlmEndpoint e;
  e.model = "m";
  CHECK(e.IsProviderHost());  // empty base URL: api.openai.com
  CHECK(e.EffectiveTokenLimitField() == TokenLimitField::kMaxCompletionTokens);
  CHECK(
      BuildChatBody(e, ChatRequest::FromPrompt("", "x")).find(R"("max_completion_tokens":1024)") !=
      std::string::npos);
  e.base_url = "https://api.openai.com/v1";
  CHECK(e.EffectiveTokenLimitField() == TokenLimitField::kMaxCompletionTokens);
  e.base_url = "https://api.openai.com.evil.example/v1";
  CHECK_FALSE(e.IsProviderHost());
  e.base_url = "http://api.openai.com/v1";  // not https: not the provider
  CHECK_FALSE(e.IsProviderHost());
  e.base_url = "http://127.0.0.1:11434/v1";
  CHECK(e.EffectiveTokenLimitField() == TokenLimitField::kMaxTokens);
  e.token_limit_field =
      TokenLimitField::kMaxCompletionTokens;  // vLLM in front of a reasoning model
  e.temperature = 0.5;
  e.reasoning_effort = "low";
  CHECK(BuildChatBody(e, ChatRequest::FromPrompt("", "x")) ==
        R"({"model":"m","max_completion_tokens":1024,"temperature":0.5,"reasoning_effort":"low",)"
        R"("messages":[{"role":"user","content":"x"}],"stream":false})");
  CHECK(e.Check().ok());
  e.reasoning_effort = "extreme";
  CHECK_FALSE(e.Check().ok());

  LlmEndpoint a;
  a.protocol = LlmProtocol::kAnthropic;
  a.token_limit_field = TokenLimitField::kMaxCompletionTokens;  // ignored: Anthropic has one field
  CHECK(a.EffectiveTokenLimitField() == TokenLimitField::kMaxTokens);
  CHECK(a.IsProviderHost());
  a.temperature = 1.5;  // fine for OpenAI, outside Anthropic's 0..1
  CHECK_FALSE(a.Check().ok());
  a.temperature = 1.0;
  CHECK(a.Check().ok());
  a.reasoning_effort = "low";
  CHECK_FALSE(a.Check().ok());
  CHECK(ParseTokenLimitField("max_tokens").ok());
  CHECK_FALSE(ParseTokenLimitField("tokens").ok());
}

TEST_CASE("chat: the parameter a 400 names as unsupported") {
  HttpResponse bad = Status200(400);
  // OpenAI's reasoning models.
  CHECK(UnsupportedParameter(
            bad,
            R"({"error":{"message":"Unsupported parameter: 'max_tokens' is not supported )"
            R"(with this model. Use 'max_completion_tokens' instead.","type":)"
            R"("invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}})") ==
        "max_tokens");
  CHECK(UnsupportedParameter(
            bad,
            R"({"error":{"message":"Unsupported value: 'temperature' does not support 0 with )"
            R"(this model. Only the default (1) value is supported.","param":"temperature"}})") ==
        "temperature");
  // A proxy that drops `param`: the first name in the message counts.
  CHECK(UnsupportedParameter(bad, R"({"error":{"message":"'max_tokens' is not supported, use )"
                                  R"('max_completion_tokens'"}})") == "max_tokens");
  CHECK(UnsupportedParameter(bad, R"({"error":"Unrecognized request argument supplied: )"
                                  R"(max_completion_tokens"})") == "max_completion_tokens");
  // Anthropic's newest models.
  CHECK(UnsupportedParameter(bad, R"({"type":"error","error":{"type":"invalid_request_error",)"
                                  R"("message":"temperature is deprecated for this model."}})") ==
        "temperature");
  CHECK(UnsupportedParameter(bad, R"({"error":{"message":"max_tokens: must be at most 4096"}})") ==
        "");
  CHECK(UnsupportedParameter(Status200(500), R"({"error":{"param":"max_tokens"}})") == "");
}

HttpResponse WithHeaders(long status, std::vector<std::pair<std::string, std::string>> headers) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  return r;
}

TEST_CASE("chat: what is retried") {
  RetryPolicy policy;
  policy.max_retries = 3;
  policy.max_retry_after = std::chrono::seconds(60);
  auto decide = [&](const HttpResponse& response, std::string_view body, int attempts = 1) {
    return DecideChatRetry(response, ParseChatResponse(LlmProtocol::kOpenAi, response, body),
                           attempts, policy);
  };
  // Anthropic's overloaded_error and OpenAI's 409 are transient.
  CHECK(decide(Status200(529),
               R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")
            .retry);
  CHECK(decide(Status200(409), "{}").retry);
  CHECK(decide(Status200(503), "{}").retry);
  CHECK_FALSE(decide(Status200(503), "{}", 4).retry);  // retries used up
  CHECK_FALSE(decide(Status200(400), "{}").retry);
  CHECK_FALSE(decide(Status200(401), "{}").retry);
  // The server's word wins.
  CHECK(decide(WithHeaders(400, {{"x-should-retry", "true"}}), "{}").retry);
  ChatRetry no = decide(WithHeaders(503, {{"x-should-retry", "false"}}), "{}");
  CHECK_FALSE(no.retry);
  CHECK(no.why_not.find("x-should-retry") != std::string::npos);
  ChatRetry ms = decide(WithHeaders(429, {{"retry-after-ms", "250"}, {"retry-after", "9"}}), "{}");
  CHECK(ms.retry);
  CHECK(ms.delay == std::chrono::milliseconds(250));
  CHECK(decide(WithHeaders(429, {{"retry-after", "2"}}), "{}").delay ==
        std::chrono::milliseconds(2000));
  // A wait beyond the longest allowed fails at once, saying so.
  ChatRetry longer = decide(WithHeaders(429, {{"retry-after", "3600"}}), "{}");
  CHECK_FALSE(longer.retry);
  CHECK(longer.why_not.find("3600 s") != std::string::npos);
  // A used-up quota is not a rate limit.
  const std::string quota =
      R"({"error":{"message":"You exceeded your current quota, please check your plan and )"
      R"(billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})";
  ChatResult q = ParseChatResponse(LlmProtocol::kOpenAi, Status200(429), quota);
  CHECK(q.error_code == "llm_quota_exceeded");
  CHECK_FALSE(decide(Status200(429), quota).retry);
  // llama.cpp's server without --mmproj.
  const std::string no_image =
      R"({"error":{"code":500,"message":"image input is not supported - hint: if this is )"
      R"(unexpected, you may need to provide the mmproj","type":"server_error"}})";
  ChatResult u = ParseChatResponse(LlmProtocol::kOpenAi, Status200(500), no_image);
  CHECK(u.error_code == "llm_unsupported_input");
  CHECK(u.error_message.find("--mmproj") != std::string::npos);
  CHECK_FALSE(decide(Status200(500), no_image).retry);
  // A redirect is reported with where it pointed, never followed.
  ChatResult moved =
      ParseChatResponse(LlmProtocol::kAnthropic,
                        WithHeaders(307, {{"location", "http://elsewhere/v1/messages"}}), "");
  CHECK(moved.error_code == "llm_redirected");
  CHECK(moved.error_message.find("http://elsewhere/v1/messages") != std::string::npos);
}

TEST_CASE("chat: key-shaped text is masked in messages") {
  CHECK(MaskKeyText("Incorrect API key provided: sk-proj-AbCdEf0123456789xyz. See docs.") ==
        "Incorrect API key provided: sk-***. See docs.");
  CHECK(MaskKeyText("invalid x-api-key sk-ant-api03-Zz9") == "invalid x-api-key sk-***");
  CHECK(MaskKeyText("key mysecretvalue rejected", "mysecretvalue") == "key mys*** rejected");
  // Model names and ordinary words stay.
  CHECK(MaskKeyText("model 'llama3.1:8b' not found; try gpt-4o-mini") ==
        "model 'llama3.1:8b' not found; try gpt-4o-mini");
  CHECK(MaskKeyText("token Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5") == "token Zm9***");
  ChatResult r = ParseChatResponse(
      LlmProtocol::kOpenAi, Status200(401),
      R"({"error":{"message":"Incorrect API key provided: sk-live-1234567890abcdef"}})");
  CHECK(r.error_message.find("1234567890") == std::string::npos);
}

TEST_CASE("chat: an empty answer at the token limit names reasoning") {
  auto r = ParseChatResponse(
      LlmProtocol::kOpenAi, Status200(),
      R"({"choices":[{"message":{"role":"assistant","content":""},"finish_reason":"length"}],)"
      R"("usage":{"completion_tokens":1024,"completion_tokens_details":{"reasoning_tokens":1024}}})");
  CHECK(r.error_code == "llm_empty_answer");
  CHECK(r.error_message.find("1024 reasoning tokens") != std::string::npos);
  CHECK(r.error_message.find("reasoning_effort") != std::string::npos);
}

TEST_CASE("chat: image parts in both protocols") {
  ChatRequest req;
  req.messages.push_back(
      {"user", {ContentPart::Text("rate it"), ContentPart::Image("image/png", "\x89PNG")}});
  LlmEndpoint e;
  e.model = "m";
  CHECK(BuildChatBody(e, req).find(
            R"("content":[{"type":"text","text":"rate it"},{"type":"image_url","image_url":)"
            R"({"url":"data:image/png;base64,iVBORw=="}}])") != std::string::npos);
  e.protocol = LlmProtocol::kAnthropic;
  CHECK(BuildChatBody(e, req).find(
            R"({"type":"image","source":{"type":"base64","media_type":"image/png",)"
            R"("data":"iVBORw=="}})") != std::string::npos);
}

TEST_CASE("chat: responses") {
  auto r = ParseChatResponse(
      LlmProtocol::kOpenAi, Status200(),
      R"({"choices":[{"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":5,"completion_tokens":2}})");
  CHECK(r.ok());
  CHECK(r.text == "hello");
  CHECK(r.finish_reason == "stop");
  CHECK(r.output_tokens == 2);

  r = ParseChatResponse(
      LlmProtocol::kAnthropic, Status200(),
      R"({"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],)"
      R"("stop_reason":"max_tokens","usage":{"input_tokens":3,"output_tokens":9}})");
  CHECK(r.ok());
  CHECK(r.text == "ab");
  CHECK(r.truncated());
  CHECK(r.input_tokens == 3);

  r = ParseChatResponse(LlmProtocol::kOpenAi, Status200(401),
                        R"({"error":{"message":"Incorrect API key provided","type":"x"}})");
  CHECK(r.error_code == "llm_unauthorized");
  CHECK(r.error_message == "HTTP 401 from the LLM server: Incorrect API key provided");

  r = ParseChatResponse(LlmProtocol::kOpenAi, Status200(404), R"({"error":"model 'x' not found"})");
  CHECK(r.error_code == "llm_not_found");
  CHECK(r.error_message.find("model 'x' not found") != std::string::npos);

  CHECK(ParseChatResponse(LlmProtocol::kOpenAi, Status200(429), "slow down").error_code ==
        "llm_rate_limited");
  CHECK(ParseChatResponse(LlmProtocol::kAnthropic, Status200(529), "{}").error_code ==
        "llm_server_error");
  CHECK(ParseChatResponse(LlmProtocol::kAnthropic, Status200(302), "").error_code ==
        "llm_redirected");
  CHECK(ParseChatResponse(LlmProtocol::kOpenAi, Status200(418), "").error_code == "llm_http_error");
  CHECK(ParseChatResponse(LlmProtocol::kOpenAi, Status200(), "<html>").error_code ==
        "llm_bad_response");
  CHECK(ParseChatResponse(LlmProtocol::kOpenAi, Status200(), R"({"error":"busy"})").error_code ==
        "llm_bad_response");
  CHECK(ParseChatResponse(LlmProtocol::kOpenAi, Status200(), R"({"choices":[]})").error_code ==
        "llm_bad_response");
  r = ParseChatResponse(LlmProtocol::kOpenAi, Status200(),
                        R"({"choices":[{"message":{"content":null,"refusal":"no"}}]})");
  CHECK(r.error_code == "llm_empty_answer");
  CHECK(r.error_message.find("refused") != std::string::npos);

  HttpResponse timed_out;
  timed_out.error_code = "timeout";
  timed_out.error_message = "Operation timed out";
  CHECK(ParseChatResponse(LlmProtocol::kOpenAi, timed_out, "").error_code == "llm_timeout");
}

TEST_CASE("llm flags: the default key variable goes only to the provider's own host") {
  EnvLookup env = [](const std::string& name) -> std::string {
    if (name == "OPENAI_API_KEY") return "sk-default";
    if (name == "MY_KEY") return "sk-mine";
    return "";
  };
  LlmFlags flags;
  LlmConfig config;
  REQUIRE(flags.ApplyTo(&config, true, env).ok());
  CHECK(config.endpoint.api_key == "sk-default");  // api.openai.com

  flags.base_url = "http://192.168.1.20:11434/v1";  // a LAN model server
  config = LlmConfig();
  REQUIRE(flags.ApplyTo(&config, true, env).ok());
  CHECK(config.endpoint.api_key.empty());

  flags.key_env = "MY_KEY";  // named: the user means it for this server
  config = LlmConfig();
  REQUIRE(flags.ApplyTo(&config, true, env).ok());
  CHECK(config.endpoint.api_key == "sk-mine");

  flags.key_env = "UNSET_KEY";
  config = LlmConfig();
  CHECK_FALSE(flags.ApplyTo(&config, true, env).ok());

  flags = LlmFlags();
  flags.provider = "anthropic";
  flags.temperature = 1.5;
  config = LlmConfig();
  CHECK_FALSE(flags.ApplyTo(&config, true, env).ok());
}

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/pix-llm-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

TEST_CASE("chat cache: keyed by endpoint and body, not by key") {
  LlmEndpoint a;
  a.model = "m";
  LlmEndpoint b = a;
  b.api_key = "secret";
  CHECK(ChatCache::Key(a, "body") == ChatCache::Key(b, "body"));
  CHECK(ChatCache::Key(a, "body") != ChatCache::Key(a, "body2"));
  b.base_url = "http://127.0.0.1:1/v1";
  CHECK(ChatCache::Key(a, "body") != ChatCache::Key(b, "body"));

  TempDir dir;
  ChatCache cache(dir.path + "/llm");
  const std::string key = ChatCache::Key(a, "body");
  CHECK_FALSE(cache.Get(key).has_value());
  REQUIRE(cache.Put(key, "answer").ok());
  CHECK(*cache.Get(key) == "answer");
  CHECK(std::filesystem::exists(dir.path + "/llm/" + key.substr(0, 2) + "/" + key + ".txt"));

  ChatCache off("");
  CHECK(off.Put(key, "x").ok());
  CHECK_FALSE(off.Get(key).has_value());
}

TEST_CASE("chat client: a cached answer needs no network, a failing one is asked again") {
  TempDir dir;
  LlmEndpoint e;
  e.base_url = "http://127.0.0.1:9/v1";  // discard port: nothing listens
  e.model = "m";
  HttpOptions http;
  http.allow_private = true;
  http.retry.max_retries = 0;
  const ChatRequest request = ChatRequest::FromPrompt("", "list");
  ChatCache cache(dir.path);
  REQUIRE(cache.Put(ChatCache::Key(e, BuildChatBody(e, request)), "[\"a\"]").ok());

  ChatClient client(e, http, dir.path);
  ChatResult r = client.Complete(request);
  CHECK(r.ok());
  CHECK(r.cached);
  CHECK(r.text == "[\"a\"]");
  CHECK(client.requests_sent() == 0);
  CHECK(client.cache_hits() == 1);

  r = client.Complete(request, [](const ChatResult&) { return Status::Corruption("unusable"); });
  CHECK_FALSE(r.cached);
  CHECK(r.error_code == "llm_connect_failed");
  CHECK(client.requests_sent() == 1);
}

}  // namespace
}  // namespace pix
