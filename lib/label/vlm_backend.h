// VlmBackend: pix-label's `vlm` backend. Shows a vision-language model each
// image (a JPEG, upright, longer side at most 512 px) and the candidate
// labels, and asks which label the picture shows and how sure it is, as JSON
// {"label": ..., "confidence": 0..1}; "none" when no candidate fits. It
// speaks OpenAI's chat-completions protocol (OpenAI, Ollama, llama.cpp's
// server, vLLM) or Anthropic's messages API through lib/llm's ChatClient: the
// project's network rules, retries with backoff honouring Retry-After on 429
// and 5xx, and the answer cache. The prompt holds the candidates but not the
// image's current label (the model is not led), so the cache key (request
// body: image bytes, prompt, model) is the image and the candidate set, and a
// re-run asks nothing.
//
// Answers are parsed leniently (ParseVlmAnswer): JSON inside prose or a code
// fence, repaired quotes and commas, a confidence in 0..1 or 0..100, a label
// matched to a candidate ignoring case, spaces and plurals; with no JSON, a
// sentence naming exactly one candidate counts, at confidence 0.6. An answer
// that declines ("I can't help ...") or is empty is a refusal: counted, and
// the image keeps the earlier backends' verdict.
//
// Requests run on `concurrency` threads, each with its own ChatClient, so at
// most that many are in flight. `max_requests` caps requests sent over the
// network (cache hits are free); images past the cap get
// skipped_max_requests. The first answer that says every request would fail
// alike (HTTP 401/403; 404: wrong URL or model; a server that cannot read
// images, such as llama.cpp without --mmproj; a used-up quota) stops the
// run with an error naming what to fix, before any record is written. The
// image goes before the text in the prompt, as Anthropic recommends.
//
// Thread-safety: Run() is called from one thread. Failure modes: per-image
// error codes (lib/llm's llm_* codes, llm_refused, image_*, decode_error,
// skipped_max_requests); kInvalidArgument from Run() for a refusing endpoint.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.h"
#include "label/label_backend.h"
#include "llm/chat_client.h"

namespace pix {

struct VlmOptions {
  LlmConfig llm;             // endpoint (model required) and cache directory
  HttpOptions http;          // network rules for the endpoint
  int concurrency = 4;       // requests in flight at most
  int64_t max_requests = 0;  // network requests at most (0: no cap)
  int image_long_side = 512;
  int jpeg_quality = 85;
  // At most this many candidate labels go into the prompt (the image's own
  // label is always among them).
  size_t max_candidates = 40;
};

struct VlmAnswer {
  uint32_t label = kNoLabel;  // index into the candidates, or kNoLabel
  double confidence = 0;
  bool from_text = false;  // no JSON: a sentence named the label
};
// Result: kCorruption when the answer names no candidate; kUnavailable-like
// refusals are kNotFound with "refused" in the message.
Result<VlmAnswer> ParseVlmAnswer(std::string_view answer,
                                 const std::vector<std::string>& candidates);
// Whether an answer text declines to answer.
bool IsRefusal(std::string_view answer);

class VlmBackend : public ImageLabelBackend {
 public:
  explicit VlmBackend(VlmOptions options) : options_(std::move(options)) {}
  const char* name() const override { return "vlm"; }
  Status Run(const std::vector<LabelItem>& items, const std::vector<std::string>& labels,
             std::vector<LabelVerdict>* out) override;
  std::string Summary() const override;

 private:
  LabelVerdict Judge(ChatClient& client, const LabelItem& item,
                     const std::vector<std::string>& labels);

  VlmOptions options_;
  std::atomic<uint64_t> asked_{0}, cached_{0}, refused_{0}, skipped_{0};
  std::atomic<int64_t> budget_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  Status fatal_;
  std::map<std::string, uint64_t> failures_;
  // What the threads' clients learned about the server (a refused token
  // field or temperature), shared so that one refusal teaches them all.
  std::shared_ptr<ChatServerQuirks> quirks_ = std::make_shared<ChatServerQuirks>();
};

}  // namespace pix
