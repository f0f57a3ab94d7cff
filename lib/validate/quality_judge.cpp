#include "validate/quality_judge.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "image/transform.h"
#include "llm/answer.h"

namespace pix {
namespace {

constexpr std::string_view kSystemPrompt =
    "You judge the quality of pictures collected for a machine-learning image dataset. "
    "Consider sharpness, exposure, noise, compression artefacts, framing and whether the picture "
    "is a "
    "real photograph of a clear subject (not a blank, a screenshot, a logo or mostly text). "
    "Answer with one JSON object and nothing else: "
    "{\"score\": <a number from 0 (unusable) to 1 (excellent)>, \"reason\": \"<at most 20 "
    "words>\"}";

}  // namespace

Result<JudgeAnswer> ParseJudgeAnswer(std::string_view answer) {
  PIX_ASSIGN_OR_RETURN(std::string json, ExtractJson(answer));
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json).get_object().get(object)) {
    return Status::Corruption("the answer holds no JSON object");
  }
  // get_double() reads integers too; a missing key leaves `value` empty, and
  // nothing may be asked of it then.
  double score = 0;
  simdjson::dom::element value;
  if (object["score"].get(value) || value.get_double().get(score)) {
    return Status::Corruption("the answer has no numeric \"score\"");
  }
  if (score > 1 && score <= 100) score /= 100;  // a percentage
  if (!(score >= 0 && score <= 1)) {
    return Status::Corruption(fmt::format("score {} is outside 0..1", score));
  }
  JudgeAnswer out;
  out.score = score;
  std::string_view reason;
  if (!object["reason"].get_string().get(reason)) out.reason = std::string(reason.substr(0, 200));
  return out;
}

ChatRequest BuildJudgeRequest(std::string jpeg) {
  ChatRequest request;
  request.system = std::string(kSystemPrompt);
  ChatMessage message;
  message.content.push_back(ContentPart::Image("image/jpeg", std::move(jpeg)));
  message.content.push_back(ContentPart::Text("Judge this picture."));
  request.messages.push_back(std::move(message));
  return request;
}

bool IsPermanentJudgeFailure(std::string_view code) {
  return code == "llm_unauthorized" || code == "llm_not_found" || code == "llm_unsupported_input" ||
         code == "llm_quota_exceeded" || code == "llm_redirected" ||
         code == "llm_blocked_address" || code == "llm_dns_failed";
}

QualityJudge::QualityJudge(JudgeOptions options) : options_(std::move(options)) {
  options_.concurrency = std::max(1, options_.concurrency);
}
QualityJudge::~QualityJudge() = default;

std::unique_ptr<ChatClient> QualityJudge::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return client;
    }
  }
  return std::make_unique<ChatClient>(options_.llm, options_.http, quirks_);
}

bool QualityJudge::Asking(std::string* code, std::string* message) {
  std::unique_lock<std::mutex> lock(mutex_);
  slot_free_.wait(lock, [&] { return stopped_ || in_flight_ < options_.concurrency; });
  if (stopped_) {
    *code = last_failure_code_;
    *message = fmt::format("not asked: the judge stopped after {} identical failures: {}",
                           same_failures_, last_failure_message_);
    return false;
  }
  ++in_flight_;
  return true;
}

void QualityJudge::Note(const ChatResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  --in_flight_;
  if (result.ok() || !IsPermanentJudgeFailure(result.error_code)) {
    same_failures_ = 0;
    last_failure_code_.clear();
  } else if (result.error_code == last_failure_code_) {
    ++same_failures_;
  } else {
    last_failure_code_ = result.error_code;
    last_failure_message_ = result.error_message;
    same_failures_ = 1;
  }
  if (options_.stop_after > 0 && same_failures_ >= options_.stop_after) stopped_ = true;
  slot_free_.notify_all();
}

void QualityJudge::Return(std::unique_ptr<ChatClient> client) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(client));
}

JudgeVerdict QualityJudge::Judge(const PixelView& picture, int orientation) {
  JudgeVerdict verdict;
  const OwnedPixels small = DownscaleForAnalysis(picture, options_.image_long_side);
  const OwnedPixels upright = ApplyOrientation(small.view(), orientation);
  auto jpeg = EncodeJpeg(upright.view(), options_.jpeg_quality);
  if (!jpeg.ok()) {
    verdict.error_code = "llm_encode_failed";
    verdict.error_message = jpeg.status().message();
    return verdict;
  }
  const ChatRequest request = BuildJudgeRequest(std::move(jpeg).value());
  if (!Asking(&verdict.error_code, &verdict.error_message)) {
    skipped_.fetch_add(1, std::memory_order_relaxed);
    return verdict;
  }
  auto client = Borrow();
  const ChatResult result = client->Complete(request, [](const ChatResult& answer) {
    auto parsed = ParseJudgeAnswer(answer.text);
    return parsed.ok() ? Status::Ok() : parsed.status();
  });
  Return(std::move(client));
  Note(result);
  asked_.fetch_add(1, std::memory_order_relaxed);
  if (result.cached) cached_.fetch_add(1, std::memory_order_relaxed);
  if (!result.ok()) {
    verdict.error_code = result.error_code;
    verdict.error_message = result.error_message;
    std::lock_guard<std::mutex> lock(failures_mutex_);
    ++failures_[result.error_code];
    return verdict;
  }
  auto parsed = ParseJudgeAnswer(result.text);  // checked above; cannot fail
  verdict.ok = parsed.ok();
  if (parsed.ok()) {
    verdict.score = parsed->score;
    verdict.reason = parsed->reason;
  }
  verdict.cached = result.cached;
  return verdict;
}

std::string QualityJudge::Summary() const {
  std::lock_guard<std::mutex> lock(failures_mutex_);
  uint64_t failed = 0;
  std::vector<std::string> parts;
  for (const auto& [code, n] : failures_) {
    failed += n;
    parts.push_back(fmt::format("{}: {}", code, n));
  }
  std::string out =
      fmt::format("judge: {} asked, {} cached, {} failed", asked_.load(), cached_.load(), failed);
  if (!parts.empty()) out += " (" + fmt::format("{}", fmt::join(parts, ", ")) + ")";
  if (skipped_.load() > 0) {
    std::lock_guard<std::mutex> stop_lock(mutex_);
    out += fmt::format(", {} not asked after repeated {}", skipped_.load(), last_failure_code_);
  }
  if (const std::string learned = quirks_->Describe(); !learned.empty()) {
    out += "; learned: " + learned;
  }
  return out;
}

}  // namespace pix
