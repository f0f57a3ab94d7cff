// QualityJudge: pix-validate's optional AI judge. Shows a vision model a
// downscaled JPEG of the picture (upright, longer side at most 512 px) and
// asks for a quality judgement in 0..1 with a short reason, over an
// OpenAI-compatible chat-completions endpoint (or Anthropic's messages API),
// through lib/llm's ChatClient: the project's network rules, retries with
// backoff honouring Retry-After on 429 and 5xx, and the answer cache. The
// cache key covers the request body, which holds the JPEG, so answers are
// cached by image content (and prompt and model): a re-run asks nothing.
//
// Answers are parsed leniently (JSON inside prose or a code fence, repaired
// quotes and commas: ExtractJson); "score" must be a number in 0..1, or in
// 0..100 read as a percentage. Anything else is llm_bad_answer and is not
// cached.
//
// Thread-safety: Judge() may be called from several threads at once; each
// call borrows one of a pool of ChatClients (one per concurrent caller), so
// requests run in parallel. Failure modes: a failed judgement is a verdict
// with an error code (lib/llm's codes), never a Status.
#pragma once

#include <atomic>
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

  JudgeOptions options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<ChatClient>> idle_;
  std::atomic<uint64_t> asked_{0}, cached_{0};
  mutable std::mutex failures_mutex_;
  std::map<std::string, uint64_t> failures_;
};

}  // namespace pix
