// Chat requests to large language models over two wire protocols: OpenAI's
// chat-completions (which OpenAI, Ollama, llama.cpp's server, vLLM and most
// other servers speak) and Anthropic's messages API.
//
// This file is the pure part: the request model (text and image content
// parts, so a caller can attach an image for a vision model), the HTTP
// request for an endpoint, and the parsing of the HTTP response into the
// answer text or a stable error code. It does no I/O; ChatClient
// (chat_client.h) sends the requests and caches the answers.
//
// Error codes (ChatResult::error_code), documented in pix-keywords(1):
//   llm_unauthorized   HTTP 401 or 403: a missing or wrong API key
//   llm_not_found      HTTP 404: a wrong base URL or model name
//   llm_bad_request    HTTP 400, 413 or 422: the server refused the request
//   llm_rate_limited   HTTP 429 after the retries
//   llm_server_error   HTTP 5xx after the retries (529: Anthropic overloaded)
//   llm_http_error     any other non-2xx status
//   llm_bad_response   a 2xx body that is not a chat response, or an error
//                      object sent with HTTP 200
//   llm_empty_answer   a response without answer text (e.g. a refusal)
//   llm_bad_answer     answer text the caller cannot use (ChatClient's
//                      AnswerCheck failed), e.g. no JSON list in it
//   llm_<code>         the transfer failed: llm_timeout, llm_connect_failed,
//                      llm_blocked_address, ... (the HTTP client's codes)
// Thread-safety: pure functions over values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/client.h"

namespace pix {

enum class LlmProtocol {
  kOpenAi,     // POST {base_url}/chat/completions, Authorization: Bearer KEY
  kAnthropic,  // POST {base_url}/messages, x-api-key: KEY, anthropic-version
};

// "openai" or "anthropic".
Result<LlmProtocol> ParseLlmProtocol(std::string_view name);
const char* LlmProtocolName(LlmProtocol protocol);

// Where and how to ask. Filled from dataset.yaml (`llm:`), then flags.
struct LlmEndpoint {
  LlmProtocol protocol = LlmProtocol::kOpenAi;
  // The API root including its version path; the protocol's endpoint path
  // is appended. Empty means the provider's public API
  // (https://api.openai.com/v1 or https://api.anthropic.com/v1). Ollama:
  // http://localhost:11434/v1; llama.cpp: http://localhost:8080/v1; vLLM:
  // http://localhost:8000/v1.
  std::string base_url;
  // Model name as the server knows it ("gpt-4o-mini", "llama3.1:8b",
  // "claude-3-5-haiku-latest"). Required.
  std::string model;
  // The API key itself; empty sends no key (local servers need none). The
  // library never reads the environment: tools read the variable named by
  // `api_key_env` and put the key here.
  std::string api_key;
  // Name of the environment variable holding the key; empty means
  // OPENAI_API_KEY or ANTHROPIC_API_KEY by protocol.
  std::string api_key_env;
  // Longest answer, in tokens. Anthropic requires it; with OpenAI, 0 leaves
  // it out (reasoning models reject max_tokens).
  int max_tokens = 1024;
  // Sampling temperature; nullopt leaves it to the server. 0 makes answers
  // as repeatable as the server allows (the cache does the rest).
  std::optional<double> temperature = 0.0;
  // OpenAI protocol only: ask for a JSON object answer
  // (response_format json_object). Off by default because not every
  // compatible server supports it; the answer parser copes without it.
  bool json_mode = false;
  // Time allowed for one request. Local models on a CPU are slow.
  std::chrono::milliseconds timeout{120000};
  // Sent as anthropic-version.
  std::string anthropic_version = "2023-06-01";

  std::string EffectiveBaseUrl() const;
  std::string EffectiveApiKeyEnv() const;
  // The full request URL.
  std::string Url() const;
};

struct ContentPart {
  enum class Kind { kText, kImage };
  Kind kind = Kind::kText;
  std::string text;        // kText
  std::string media_type;  // kImage: image/jpeg, image/png, image/webp, image/gif
  std::string data;        // kImage: the raw image bytes (sent base64-encoded)

  static ContentPart Text(std::string text);
  static ContentPart Image(std::string media_type, std::string bytes);
};

struct ChatMessage {
  std::string role = "user";  // "user" or "assistant"
  std::vector<ContentPart> content;
};

struct ChatRequest {
  std::string system;  // instructions; empty for none
  std::vector<ChatMessage> messages;

  // A request of one user text message.
  static ChatRequest FromPrompt(std::string system, std::string user);
};

// The JSON body for `endpoint`. Text-only messages use the plain string form
// of `content`, which every compatible server accepts; a message with an
// image uses content parts (OpenAI image_url with a data: URL, Anthropic
// image with a base64 source).
std::string BuildChatBody(const LlmEndpoint& endpoint, const ChatRequest& request);
HttpRequest BuildChatHttpRequest(const LlmEndpoint& endpoint, const ChatRequest& request);

struct ChatResult {
  std::string error_code;  // empty on success; see the list above
  std::string error_message;
  std::string text;           // the answer
  std::string finish_reason;  // "stop", "length", "end_turn", "max_tokens", ...
  long http_status = 0;
  bool cached = false;  // answered from the cache, no request made
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;

  bool ok() const { return error_code.empty(); }
  // Whether the answer was cut off by the token limit.
  bool truncated() const { return finish_reason == "length" || finish_reason == "max_tokens"; }
};

// Turns a finished transfer and its body into an answer or an error.
ChatResult ParseChatResponse(LlmProtocol protocol, const HttpResponse& response,
                             std::string_view body);

}  // namespace pix
