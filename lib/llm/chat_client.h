// ChatClient: asks a language model and caches its answers.
//
// It sends ChatRequests (chat.h) to one endpoint over its own HttpClient,
// so every request gets the project's network rules (address guard, byte cap,
// timeouts), never follows a redirect (the key would go along), and retries
// what chat.h's DecideChatRetry calls transient (408, 409, 429, 5xx and
// Anthropic's 529; x-should-retry, retry-after-ms and Retry-After obeyed;
// never a used-up quota or a wait beyond the longest allowed) with backoff.
// A server that answers 400 naming max_tokens, max_completion_tokens or
// temperature as unsupported is asked once more with the other token field
// or without the temperature, and the client remembers that for the rest of
// the run (ChatServerQuirks, shareable between clients). Error messages have
// key-shaped text masked. Answers come back as ChatResults with stable error
// codes. An optional
// AnswerCheck lets the caller say whether an answer is usable (e.g. "holds a
// JSON list"): an unusable answer fails with llm_bad_answer and is not
// cached, so a later run asks again; a usable one is cached (chat_cache.h)
// and re-runs are free and deterministic.
//
// Submit()/Poll() run several requests at once (a caller judging many
// images); Complete() is the one-request blocking form. Cached answers are
// delivered from the next Poll(), like network ones. Not thread-safe: one
// thread owns a client. An interrupt (SIGINT) cancels what is in flight;
// those requests end with llm_interrupted.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "http/client.h"
#include "llm/chat.h"
#include "llm/chat_cache.h"

namespace pix {

// What a stage needs to build a ChatClient, as dataset.yaml's `llm:` section
// gives it.
struct LlmConfig {
  LlmEndpoint endpoint;
  // Where answers are cached; empty disables the cache. Tools default it to
  // $XDG_CACHE_HOME/pixcrawler/llm (~/.cache/pixcrawler/llm).
  std::string cache_dir;
};

// What clients of one endpoint learned about its server during the run:
// which token-limit field it takes and whether it refuses a temperature.
// Thread-safe (atomics); share one between the clients of a pool.
struct ChatServerQuirks {
  // -1: as configured; else a TokenLimitField value.
  std::atomic<int> token_field{-1};
  std::atomic<bool> no_temperature{false};
  // "max_tokens -> max_completion_tokens, no temperature"; "" when nothing
  // was learned.
  std::string Describe() const;
};

class ChatClient {
 public:
  // `http` carries the tool's network settings; the endpoint's timeout
  // replaces its total and response-header timeouts, and the low-speed abort
  // is turned off, because a model sends nothing while it thinks. An empty `cache_dir`
  // disables caching.
  ChatClient(LlmEndpoint endpoint, HttpOptions http, std::string cache_dir);
  ChatClient(const LlmConfig& config, HttpOptions http)
      : ChatClient(config.endpoint, std::move(http), config.cache_dir) {}
  // With `quirks` shared between several clients of the same endpoint
  // (nullptr: a private one).
  ChatClient(const LlmConfig& config, HttpOptions http, std::shared_ptr<ChatServerQuirks> quirks);
  ~ChatClient();
  ChatClient(const ChatClient&) = delete;
  ChatClient& operator=(const ChatClient&) = delete;

  // Returns OK when the answer is usable; its message becomes the
  // llm_bad_answer error message otherwise.
  using AnswerCheck = std::function<Status(const ChatResult& answer)>;
  using DoneFn = std::function<void(ChatResult&& result)>;

  // Queues a request; `done` is called once, from Poll().
  void Submit(const ChatRequest& request, AnswerCheck check, DoneFn done);
  // Delivers finished requests, waiting at most `max_wait` for one.
  Status Poll(std::chrono::milliseconds max_wait);
  size_t pending() const;

  // One request, blocking until it ends.
  ChatResult Complete(const ChatRequest& request, const AnswerCheck& check = nullptr);

  const LlmEndpoint& endpoint() const { return endpoint_; }
  // Requests sent over the network and answers served from the cache.
  uint64_t requests_sent() const { return requests_sent_; }
  uint64_t cache_hits() const { return cache_hits_; }
  // What was learned about the server (shared when given to the constructor).
  const ChatServerQuirks& quirks() const { return *quirks_; }
  // The first cache write error, if any (the answer was still delivered).
  const Status& cache_error() const { return cache_error_; }

 private:
  struct InFlight;
  using Clock = std::chrono::steady_clock;

  // The endpoint with what the server taught us applied.
  LlmEndpoint Adapted() const;
  void Send(std::shared_ptr<InFlight> flight);
  void OnResponse(const std::shared_ptr<InFlight>& flight, HttpResponse&& response);
  void StartDueRetries();

  LlmEndpoint endpoint_;
  ChatCache cache_;
  RetryPolicy retry_;
  std::shared_ptr<ChatServerQuirks> quirks_;
  std::unique_ptr<HttpClient> http_;
  std::deque<std::pair<DoneFn, ChatResult>> ready_;  // cache hits awaiting Poll()
  // Requests waiting to be asked again, and when.
  std::vector<std::pair<Clock::time_point, std::shared_ptr<InFlight>>> waiting_;
  std::mt19937 rng_{std::random_device{}()};
  uint64_t requests_sent_ = 0;
  uint64_t cache_hits_ = 0;
  Status cache_error_;
};

}  // namespace pix
