// ChatClient: asks a language model and caches its answers.
//
// It sends ChatRequests (chat.h) to one endpoint over its own HttpClient,
// so every request gets the project's network rules (address guard, byte cap,
// timeouts, retries with backoff that honour Retry-After on 429 and 5xx).
// Answers come back as ChatResults with stable error codes. An optional
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

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

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

class ChatClient {
 public:
  // `http` carries the tool's network settings; the endpoint's timeout
  // replaces its total and response-header timeouts, and the low-speed abort
  // is turned off, because a model sends nothing while it thinks. An empty `cache_dir`
  // disables caching.
  ChatClient(LlmEndpoint endpoint, HttpOptions http, std::string cache_dir);
  ChatClient(const LlmConfig& config, HttpOptions http)
      : ChatClient(config.endpoint, std::move(http), config.cache_dir) {}
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
  // The first cache write error, if any (the answer was still delivered).
  const Status& cache_error() const { return cache_error_; }

 private:
  struct InFlight;

  LlmEndpoint endpoint_;
  ChatCache cache_;
  std::unique_ptr<HttpClient> http_;
  std::deque<std::pair<DoneFn, ChatResult>> ready_;  // cache hits awaiting Poll()
  uint64_t requests_sent_ = 0;
  uint64_t cache_hits_ = 0;
  Status cache_error_;
};

}  // namespace pix
