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
//   llm_rate_limited   HTTP 429 after the retries, or with a Retry-After
//                      longer than the longest wait (not retried)
//   llm_quota_exceeded HTTP 429 insufficient_quota: the account's quota or
//                      spend limit is used up (not retried)
//   llm_unsupported_input  the server cannot read the input, e.g. a
//                      llama.cpp server started without --mmproj answering
//                      "image input is not supported" (not retried)
//   llm_server_error   HTTP 5xx after the retries (529: Anthropic overloaded)
//   llm_redirected     HTTP 3xx: model requests never follow redirects,
//                      since they carry the API key
//   llm_http_error     any other non-2xx status
//   llm_bad_response   a 2xx body that is not a chat response, or an error
//                      object sent with HTTP 200
//   llm_empty_answer   a response without answer text (e.g. a refusal)
//   llm_bad_answer     answer text the caller cannot use (ChatClient's
//                      AnswerCheck failed), e.g. no JSON list in it
//   llm_<code>         the transfer failed: llm_timeout, llm_connect_failed,
//                      llm_blocked_address, ... (the HTTP client's codes)
// Error messages quote the server's error text with anything that looks like
// a key masked (MaskKeyText), since providers quote key fragments.
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

// Which body field carries the token limit on the OpenAI protocol. OpenAI's
// own API wants max_completion_tokens (its reasoning models, the o-series and
// GPT-5, answer 400 to max_tokens); Ollama and llama.cpp read only
// max_tokens; vLLM reads both. Anthropic always takes max_tokens.
enum class TokenLimitField {
  kAuto,                // max_completion_tokens at api.openai.com, else max_tokens
  kMaxTokens,           // "max_tokens"
  kMaxCompletionTokens  // "max_completion_tokens"
};
// "auto", "max_tokens" or "max_completion_tokens".
Result<TokenLimitField> ParseTokenLimitField(std::string_view name);
const char* TokenLimitFieldName(TokenLimitField field);

// Where and how to ask. Filled from dataset.yaml (`llm:`), then flags.
struct LlmEndpoint {
  LlmProtocol protocol = LlmProtocol::kOpenAi;
  // The API root including its version path; the protocol's endpoint path
  // is appended. Empty means the provider's public API
  // (https://api.openai.com/v1 or https://api.anthropic.com/v1). Ollama:
  // http://localhost:11434/v1; llama.cpp: http://localhost:8080/v1; vLLM:
  // http://localhost:8000/v1.
  std::string base_url;
  // Model name as the server knows it (for example "llama3.1:8b" on
  // Ollama, or one of the provider's current models). Required: there is no
  // default, since hosted models are renamed and retired.
  std::string model;
  // The API key itself; empty sends no key (local servers need none). The
  // library never reads the environment: tools read the variable named by
  // `api_key_env` and put the key here (llm_flags.h: the default variable is
  // read only for the provider's own host).
  std::string api_key;
  // Name of the environment variable holding the key; empty means
  // OPENAI_API_KEY or ANTHROPIC_API_KEY by protocol.
  std::string api_key_env;
  // Longest answer, in tokens. Anthropic requires it; with OpenAI, 0 leaves
  // it out. On reasoning models the model's hidden reasoning counts toward
  // it too: too low a limit ends in an empty answer (finish reason length).
  int max_tokens = 1024;
  // The field that carries max_tokens on the OpenAI protocol (see above).
  // Whatever is chosen, a server that answers 400 naming the field as
  // unsupported is asked once more with the other one (ChatClient), and
  // that choice is kept for the rest of the run.
  TokenLimitField token_limit_field = TokenLimitField::kAuto;
  // Sampling temperature; nullopt (the default) sends none and leaves it to
  // the server: OpenAI's reasoning models accept only their default, some of
  // Anthropic's newest models reject the field, and the answer cache makes
  // re-runs repeatable anyway. Anthropic's range is 0..1, OpenAI's 0..2.
  std::optional<double> temperature;
  // OpenAI protocol: "reasoning_effort" for reasoning models (minimal, low,
  // medium, high; servers differ in what they accept); empty sends none.
  // Lower effort leaves more of max_tokens for the answer.
  std::string reasoning_effort;
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
  // Whether the base URL is the provider's own API over https
  // (api.openai.com for openai, api.anthropic.com for anthropic).
  bool IsProviderHost() const;
  // token_limit_field with kAuto resolved; kMaxTokens for Anthropic.
  TokenLimitField EffectiveTokenLimitField() const;
  // Settings that cannot work: a temperature outside the protocol's range,
  // reasoning_effort with Anthropic, an unknown effort level.
  Status Check() const;
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

// The request parameter a 400 answer names as unsupported ("max_tokens",
// "max_completion_tokens" or "temperature"), or "" when it names none of
// them. Reads the error's `param` field, else the first of the names in
// its message, when the message says unsupported, deprecated,
// unrecognized or not permitted.
std::string UnsupportedParameter(const HttpResponse& response, std::string_view body);

// Whether a failed chat response is worth asking again, and when.
struct ChatRetry {
  bool retry = false;
  // The server's wish (retry-after-ms, Retry-After); nullopt: the caller's
  // backoff.
  std::optional<std::chrono::milliseconds> delay;
  // Why not, when the reason is worth telling (appended to the message).
  std::string why_not;
};
// `result` is ParseChatResponse's answer to `response`; `attempts` is how
// many requests were made so far. Retried: 408, 409, 429, 5xx (including
// Anthropic's 529 overloaded_error) and whatever the server marks with
// x-should-retry: true; never what it marks false, a quota or spend limit
// (llm_quota_exceeded), input the server cannot read, or a wait longer than
// policy.max_retry_after.
ChatRetry DecideChatRetry(const HttpResponse& response, const ChatResult& result, int attempts,
                          const RetryPolicy& policy);

// `text` with `key` (when not empty) and anything shaped like an API key
// (sk-..., sk-ant-..., key-..., AIza..., or a 24+ character run of letters
// and digits that holds both) replaced by its first 3 characters and "***".
std::string MaskKeyText(std::string_view text, std::string_view key = {});

}  // namespace pix
