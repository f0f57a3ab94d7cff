// QualityJudge: pix-validate's optional AI judge. Shows a vision model a
// downscaled JPEG of the picture (upright, longer side at most 512 px) and
// asks for a quality judgement in 0..1 with a short reason, over an
// OpenAI-compatible chat-completions endpoint (or Anthropic's messages API),
// through lib/llm's ChatClient: the project's network rules, retries of
// transient failures, and the answer cache. The cache key covers the
// request body, which holds the JPEG, so answers are cached by image content
// (and prompt and model): a re-run asks nothing. The image comes before the
// text in the message, as Anthropic recommends for vision prompts.
//
// Requests in flight are capped for the whole process (`concurrency`,
// default 2), whatever the number of validator threads: small accounts
// meet 429s and a local Ollama times out when every CPU asks at once. After
// `stop_after` identical permanent failures in a row (a wrong key, an
// unknown model, a server that cannot read images, a used-up quota, a
// redirect) the judge asks nothing more: the remaining pictures get that
// failure without a request, saying so.
//
// Answers are parsed leniently (JSON inside prose or a code fence, repaired
// quotes and commas: ExtractJson); "score" must be a number in 0..1, or in
// 0..100 read as a percentage. Anything else is llm_bad_answer and is not
// cached.
//
// Thread-safety: Judge() may be called from several threads at once; each
// call waits for one of `concurrency` slots and borrows one of a pool of
// ChatClients, which share what they learn about the server
// (ChatServerQuirks). Failure modes: a failed judgement is a verdict
// with an error code (lib/llm's codes), never a Status.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/client.h"
#include "image/metrics.h"
#include "llm/chat_client.h"

namespace pix {

struct JudgeOptions {
  LlmConfig llm;     // endpoint (model required) and cache directory
  HttpOptions http;  // network rules for the endpoint
  // Share of the final quality score that comes from the judge:
  // score = (1 - weight) * local score + weight * judge score.
  double weight = 0.5;
  int image_long_side = 512;  // of the JPEG sent
  int jpeg_quality = 85;
  // Requests in flight at once, across all threads.
  int concurrency = 2;
  // Identical permanent failures in a row after which the judge stops
  // asking; 0 never stops.
  int stop_after = 3;
};

struct JudgeVerdict {
  bool ok = false;
  double score = 0;    // 0..1
  std::string reason;  // the model's words, trimmed to 200 bytes
  std::string error_code;  // when !ok: llm_timeout, llm_rate_limited, llm_bad_answer, ...
  std::string error_message;
  bool cached = false;
};

// The score and reason in a model's answer text (see above).
struct JudgeAnswer {
  double score = 0;
  std::string reason;
};
Result<JudgeAnswer> ParseJudgeAnswer(std::string_view answer);

// The request for one JPEG: the instructions as the system prompt, then one
// user message with the image first and the text after it.
ChatRequest BuildJudgeRequest(std::string jpeg);

// Whether a judge failure will repeat for every picture (no point asking on).
bool IsPermanentJudgeFailure(std::string_view error_code);

class QualityJudge {
 public:
  explicit QualityJudge(JudgeOptions options);
  ~QualityJudge();

  // Judges an analysis-size picture; `orientation` is its EXIF orientation.
  JudgeVerdict Judge(const PixelView& picture, int orientation);

  const JudgeOptions& options() const { return options_; }
  // "judge: 12 asked, 3 cached, 1 failed (llm_timeout: 1)"
  std::string Summary() const;

 private:
  std::unique_ptr<ChatClient> Borrow();
  void Return(std::unique_ptr<ChatClient> client);
  // Counts a failure toward the early stop; false when the judge stopped
  // (then *code and *message say why).
  bool Asking(std::string* code, std::string* message);
  void Note(const ChatResult& result);

  JudgeOptions options_;
  std::shared_ptr<ChatServerQuirks> quirks_ = std::make_shared<ChatServerQuirks>();
  mutable std::mutex mutex_;
  std::condition_variable slot_free_;
  int in_flight_ = 0;
  std::vector<std::unique_ptr<ChatClient>> idle_;
  // The early stop (guarded by mutex_).
  std::string last_failure_code_;
  std::string last_failure_message_;
  int same_failures_ = 0;
  bool stopped_ = false;
  std::atomic<uint64_t> skipped_{0};
  std::atomic<uint64_t> asked_{0}, cached_{0};
  mutable std::mutex failures_mutex_;
  std::map<std::string, uint64_t> failures_;
};

}  // namespace pix
