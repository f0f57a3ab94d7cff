#include "llm/chat.h"

#include <cstdlib>
#include <filesystem>

#include <doctest/doctest.h>

#include "llm/chat_cache.h"
#include "llm/chat_client.h"

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
  CHECK(r.body ==
        R"({"model":"llama3","max_tokens":1024,"temperature":0,"messages":[)"
        R"({"role":"system","content":"be brief"},{"role":"user","content":"say \"hi\""}],)"
        R"("stream":false})");

  e.api_key.clear();
  e.max_tokens = 0;
  e.temperature.reset();
  e.json_mode = true;
  r = BuildChatHttpRequest(e, ChatRequest::FromPrompt("", "x"));
  CHECK_FALSE(HeaderOf(r, "Authorization").has_value());
  CHECK(r.body ==
        R"({"model":"llama3","response_format":{"type":"json_object"},"messages":[)"
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
  CHECK(r.body == R"({"model":"claude","max_tokens":1024,"system":"sys","temperature":0,)"
                  R"("messages":[{"role":"user","content":"x"}]})");
  CHECK(e.EffectiveApiKeyEnv() == "ANTHROPIC_API_KEY");
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

  r = ParseChatResponse(LlmProtocol::kAnthropic, Status200(),
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
