#include "llm/chat_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/signals.h"

namespace pix {

struct ChatClient::InFlight {
  StringSink sink;
  AnswerCheck check;
  DoneFn done;
  std::string cache_key;
  ChatRequest request;  // rebuilt after a parameter fallback
  HttpRequest http;     // as sent last
  int attempts = 0;     // requests made
  bool refit_tokens = false;
  bool refit_temperature = false;
};

namespace {

// Applies the caller's check; a failed check turns the result into an error.
void CheckAnswer(const ChatClient::AnswerCheck& check, ChatResult* result) {
  if (!result->ok() || !check) return;
  Status usable = check(*result);
  if (usable.ok()) return;
  result->error_code = "llm_bad_answer";
  result->error_message = usable.message();
  if (result->truncated()) result->error_message += " (the answer hit the token limit)";
}

}  // namespace

std::string ChatServerQuirks::Describe() const {
  std::string out;
  const int field = token_field.load();
  if (field >= 0) {
    const auto f = static_cast<TokenLimitField>(field);
    out = fmt::format("the server takes {} (not {})", TokenLimitFieldName(f),
                      f == TokenLimitField::kMaxTokens ? "max_completion_tokens" : "max_tokens");
  }
  if (no_temperature.load()) out += std::string(out.empty() ? "" : ", ") + "no temperature";
  return out;
}

ChatClient::ChatClient(LlmEndpoint endpoint, HttpOptions http, std::string cache_dir)
    : endpoint_(std::move(endpoint)),
      cache_(std::move(cache_dir)),
      retry_(http.retry),
      quirks_(std::make_shared<ChatServerQuirks>()) {
  // Without streaming, a model sends its response headers together with the
  // finished answer, so "no headers yet" and "slow" are normal until the
  // endpoint's own timeout: the response-header limit is put past it, and a
  // silent model ends as llm_timeout.
  http.timeout = endpoint_.timeout;
  http.response_timeout = endpoint_.timeout + std::chrono::seconds(1);
  http.low_speed_bytes = 0;  // curl: 0 disables the low-speed abort
  http_ = std::make_unique<HttpClient>(std::move(http));
}

ChatClient::ChatClient(const LlmConfig& config, HttpOptions http,
                       std::shared_ptr<ChatServerQuirks> quirks)
    : ChatClient(config.endpoint, std::move(http), config.cache_dir) {
  if (quirks) quirks_ = std::move(quirks);
}

ChatClient::~ChatClient() = default;

LlmEndpoint ChatClient::Adapted() const {
  LlmEndpoint e = endpoint_;
  const int field = quirks_->token_field.load();
  if (field >= 0 && e.protocol == LlmProtocol::kOpenAi) {
    e.token_limit_field = static_cast<TokenLimitField>(field);
  }
  if (quirks_->no_temperature.load()) e.temperature.reset();
  return e;
}

void ChatClient::Submit(const ChatRequest& request, AnswerCheck check, DoneFn done) {
  // The cache key is the request as configured, so what the server taught
  // this run does not change it: a re-run finds the answers.
  const std::string key = ChatCache::Key(endpoint_, BuildChatBody(endpoint_, request));
  if (auto cached = cache_.Get(key)) {
    ChatResult result;
    result.text = std::move(*cached);
    result.cached = true;
    result.http_status = 200;
    CheckAnswer(check, &result);
    if (result.ok()) {  // an entry that no longer passes the check is asked again
      ++cache_hits_;
      ready_.emplace_back(std::move(done), std::move(result));
      return;
    }
  }
  auto flight = std::make_shared<InFlight>();
  flight->check = std::move(check);
  flight->done = std::move(done);
  flight->cache_key = key;
  flight->request = request;
  flight->http = BuildChatHttpRequest(Adapted(), request);
  Send(std::move(flight));
}

void ChatClient::Send(std::shared_ptr<InFlight> flight) {
  ++requests_sent_;
  ++flight->attempts;
  flight->sink.body.clear();
  HttpRequest copy = flight->http;
  BodySink* sink = &flight->sink;
  http_->Submit(std::move(copy), sink, [this, flight](HttpResponse&& response) {
    OnResponse(flight, std::move(response));
  });
}

void ChatClient::OnResponse(const std::shared_ptr<InFlight>& flight, HttpResponse&& response) {
  ChatResult result = ParseChatResponse(endpoint_.protocol, response, flight->sink.body);
  if (!result.ok() && response.ok()) {
    // A parameter this server refuses: ask once more without it, and keep
    // that for the rest of the run.
    std::string param = UnsupportedParameter(response, flight->sink.body);
    const LlmEndpoint adapted = Adapted();
    const bool openai = endpoint_.protocol == LlmProtocol::kOpenAi;
    const std::string sent_field = TokenLimitFieldName(adapted.EffectiveTokenLimitField());
    if (openai && adapted.max_tokens > 0 && param == sent_field && !flight->refit_tokens) {
      flight->refit_tokens = true;
      quirks_->token_field.store(static_cast<int>(param == "max_tokens"
                                                      ? TokenLimitField::kMaxCompletionTokens
                                                      : TokenLimitField::kMaxTokens));
    } else if (param == "temperature" && adapted.temperature && !flight->refit_temperature) {
      flight->refit_temperature = true;
      quirks_->no_temperature.store(true);
    } else {
      param.clear();
    }
    if (!param.empty()) {
      flight->http = BuildChatHttpRequest(Adapted(), flight->request);
      Send(flight);
      return;
    }
    const ChatRetry retry = DecideChatRetry(response, result, flight->attempts, retry_);
    if (retry.retry) {
      std::chrono::milliseconds delay;
      if (retry.delay) {
        delay = *retry.delay;
      } else {
        const int n = std::min(flight->attempts, 20);
        const int64_t cap =
            std::min<int64_t>(retry_.max_delay.count(), retry_.base_delay.count() << (n - 1));
        std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(cap, 0));
        delay = std::chrono::milliseconds(jitter(rng_));
      }
      waiting_.emplace_back(Clock::now() + delay, flight);
      return;
    }
    result.error_message += retry.why_not;
  }
  if (!result.ok()) {
    result.error_message = MaskKeyText(result.error_message, endpoint_.api_key);
    if (result.error_code == "llm_unauthorized" && endpoint_.api_key.empty()) {
      result.error_message += fmt::format(
          " (no API key was sent: {} is read only for {}'s own API; to send a key to this "
          "server, name its variable with --llm-key-env or llm.api_key_env)",
          endpoint_.EffectiveApiKeyEnv(), LlmProtocolName(endpoint_.protocol));
    }
    if (flight->attempts > 1)
      result.error_message += fmt::format(" [{} requests]", flight->attempts);
  }
  CheckAnswer(flight->check, &result);
  if (result.ok()) {
    Status put = cache_.Put(flight->cache_key, result.text);
    if (!put.ok() && cache_error_.ok()) cache_error_ = put.WithContext("LLM cache");
  }
  flight->done(std::move(result));
}

void ChatClient::StartDueRetries() {
  const auto now = Clock::now();
  auto due = std::stable_partition(waiting_.begin(), waiting_.end(),
                                   [&](const auto& w) { return w.first > now; });
  std::vector<std::shared_ptr<InFlight>> start;
  for (auto it = due; it != waiting_.end(); ++it) start.push_back(std::move(it->second));
  waiting_.erase(due, waiting_.end());
  for (auto& flight : start) Send(std::move(flight));
}

Status ChatClient::Poll(std::chrono::milliseconds max_wait) {
  if (!ready_.empty()) {
    auto ready = std::move(ready_);
    ready_.clear();
    for (auto& [done, result] : ready) done(std::move(result));
    return Status::Ok();
  }
  if (http_->pending() == 0 && waiting_.empty()) return Status::Ok();
  if (InterruptRequested()) {
    http_->CancelAll();
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [when, flight] : waiting) {
      ChatResult result;
      result.error_code = "llm_interrupted";
      result.error_message = std::string(HttpClient::kInterruptedWhy);
      flight->done(std::move(result));
    }
    return Status::Ok();
  }
  StartDueRetries();
  auto wait = max_wait;
  for (const auto& [when, flight] : waiting_) {
    wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(
                              std::max(when - Clock::now(), Clock::duration::zero())));
  }
  return http_->Poll(wait);
}

size_t ChatClient::pending() const { return ready_.size() + http_->pending() + waiting_.size(); }

ChatResult ChatClient::Complete(const ChatRequest& request, const AnswerCheck& check) {
  ChatResult out;
  bool finished = false;
  Submit(request, check, [&](ChatResult&& result) {
    out = std::move(result);
    finished = true;
  });
  while (!finished) {
    Status polled = Poll(std::chrono::milliseconds(1000));
    if (!polled.ok()) {
      out.error_code = "llm_transfer_failed";
      out.error_message = polled.message();
      break;
    }
  }
  return out;
}

}  // namespace pix
