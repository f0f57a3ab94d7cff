#include "llm/chat.h"

#include <openssl/evp.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "jsonl/json_text.h"

namespace pix {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

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
      j.Key("url").String("data:" + p.media_type + ";base64," + Base64(p.data)).EndObject();
    } else {
      j.Key("type").String("image").Key("source").BeginObject();
      j.Key("type").String("base64").Key("media_type").String(p.media_type);
      j.Key("data").String(Base64(p.data)).EndObject();
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

std::string ErrorCodeForStatus(long status) {
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
    j.Key("max_tokens").Int(e.max_tokens);
  }
  if (e.temperature) j.Key("temperature").Double(*e.temperature);
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
  const std::string api_message = parsed ? ApiErrorMessage(root) : "";
  if (response.status < 200 || response.status > 299) {
    r.error_code = ErrorCodeForStatus(response.status);
    r.error_message = fmt::format("HTTP {} from the LLM server: {}", response.status,
                                  api_message.empty() ? Snippet(body) : api_message);
    return r;
  }
  if (!parsed || !root.is_object()) {
    r.error_code = "llm_bad_response";
    r.error_message = "the response is not a JSON object: " + Snippet(body);
    return r;
  }
  if (!api_message.empty()) {
    r.error_code = "llm_bad_response";
    r.error_message = "the server sent an error with HTTP " +
                      std::to_string(response.status) + ": " + api_message;
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
  }
  return r;
}

}  // namespace pix
