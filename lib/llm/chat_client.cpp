#include "llm/chat_client.h"

#include "base/signals.h"

namespace pix {

struct ChatClient::InFlight {
  StringSink sink;
  AnswerCheck check;
  DoneFn done;
  std::string cache_key;
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

ChatClient::ChatClient(LlmEndpoint endpoint, HttpOptions http, std::string cache_dir)
    : endpoint_(std::move(endpoint)), cache_(std::move(cache_dir)) {
  // Without streaming, a model sends its response headers together with the
  // finished answer, so "no headers yet" and "slow" are normal until the
  // endpoint's own timeout: the response-header limit is put past it, and a
  // silent model ends as llm_timeout.
  http.timeout = endpoint_.timeout;
  http.response_timeout = endpoint_.timeout + std::chrono::seconds(1);
  http.low_speed_bytes = 0;  // curl: 0 disables the low-speed abort
  http_ = std::make_unique<HttpClient>(std::move(http));
}

ChatClient::~ChatClient() = default;

void ChatClient::Submit(const ChatRequest& request, AnswerCheck check, DoneFn done) {
  HttpRequest http_request = BuildChatHttpRequest(endpoint_, request);
  const std::string key = ChatCache::Key(endpoint_, http_request.body);
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
  ++requests_sent_;
  http_->Submit(std::move(http_request), &flight->sink, [this, flight](HttpResponse&& response) {
    ChatResult result = ParseChatResponse(endpoint_.protocol, response, flight->sink.body);
    CheckAnswer(flight->check, &result);
    if (result.ok()) {
      Status put = cache_.Put(flight->cache_key, result.text);
      if (!put.ok() && cache_error_.ok()) cache_error_ = put.WithContext("LLM cache");
    }
    flight->done(std::move(result));
  });
}

Status ChatClient::Poll(std::chrono::milliseconds max_wait) {
  if (!ready_.empty()) {
    auto ready = std::move(ready_);
    ready_.clear();
    for (auto& [done, result] : ready) done(std::move(result));
    return Status::Ok();
  }
  if (http_->pending() == 0) return Status::Ok();
  if (InterruptRequested()) {
    http_->CancelAll();
    return Status::Ok();
  }
  return http_->Poll(max_wait);
}

size_t ChatClient::pending() const { return ready_.size() + http_->pending(); }

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
