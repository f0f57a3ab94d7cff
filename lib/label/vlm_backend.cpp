#include "label/vlm_backend.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <thread>

#include "image/transform.h"
#include "jsonl/json_text.h"
#include "label/label_image.h"
#include "label/label_text.h"
#include "llm/answer.h"

namespace pix {
namespace {

constexpr std::string_view kSystemPrompt =
    "You check the labels of pictures collected for a machine-learning image dataset. "
    "Say which of the candidate labels the picture shows. "
    "Answer with one JSON object and nothing else: "
    "{\"label\": \"<one candidate label exactly as written, or none>\", "
    "\"confidence\": <a number from 0 (a guess) to 1 (certain)>}";

constexpr double kTextAnswerConfidence = 0.6;
constexpr double kDefaultConfidence = 0.7;

std::string Folded(std::string_view text) {
  std::vector<std::string> tokens;
  FoldTokens(text, false, &tokens);
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

bool IsNoneWord(const std::string& folded) {
  return folded.empty() || folded == "none" || folded == "unknown" || folded == "other" ||
         folded == "neither" || folded == "none of them" || folded == "null";
}

}  // namespace

bool IsRefusal(std::string_view answer) {
  const std::string text = " " + Folded(answer) + " ";
  for (const char* phrase : {" can t ", " cannot ", " unable ", " sorry ", " not able ", " won t ",
                             " i m not comfortable ", " decline "}) {
    if (text.find(phrase) != std::string::npos) return true;
  }
  return false;
}

Result<VlmAnswer> ParseVlmAnswer(std::string_view answer,
                                 const std::vector<std::string>& candidates) {
  std::vector<std::string> folded;
  folded.reserve(candidates.size());
  for (const std::string& c : candidates) folded.push_back(Folded(c));
  VlmAnswer out;
  auto json = ExtractJson(answer);
  if (json.ok()) {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (!parser.parse(*json).get_object().get(object)) {
      std::string_view label;
      simdjson::dom::element value;
      bool have_label = !object["label"].get_string().get(label);
      if (!have_label) {
        // {"label": null} is "none".
        if (!object["label"].get(value) && value.is_null()) have_label = true;
      }
      if (have_label) {
        double confidence = kDefaultConfidence;
        for (const char* key : {"confidence", "score", "probability"}) {
          if (!object[key].get(value) && !value.get_double().get(confidence)) break;
        }
        if (confidence > 1 && confidence <= 100) confidence /= 100;
        if (!(confidence >= 0 && confidence <= 1)) {
          return Status::Corruption(fmt::format("confidence {} is outside 0..1", confidence));
        }
        out.confidence = confidence;
        const std::string f = Folded(label);
        if (IsNoneWord(f)) return out;
        for (size_t i = 0; i < folded.size(); ++i) {
          if (folded[i] == f) {
            out.label = static_cast<uint32_t>(i);
            return out;
          }
        }
        return Status::Corruption(
            fmt::format("label \"{}\" is not a candidate", label.substr(0, 80)));
      }
    }
  }
  if (IsRefusal(answer)) return Status::NotFound("the model refused");
  // A sentence naming exactly one candidate.
  const std::string text = " " + Folded(answer) + " ";
  int found = -1;
  for (size_t i = 0; i < folded.size(); ++i) {
    if (folded[i].empty() || text.find(" " + folded[i] + " ") == std::string::npos) continue;
    if (found >= 0)
      return Status::Corruption("the answer names several candidates and holds no JSON");
    found = static_cast<int>(i);
  }
  if (found < 0) return Status::Corruption("the answer names no candidate label");
  out.label = static_cast<uint32_t>(found);
  out.confidence = kTextAnswerConfidence;
  out.from_text = true;
  return out;
}

namespace {

// What to fix when an answer says every later request would fail the same
// way; "" for errors that concern one image or may pass.
std::string EndpointFix(const std::string& code, const LlmEndpoint& endpoint) {
  if (code == "llm_unauthorized") {
    return "check the API key (--llm-key-env, default " + endpoint.EffectiveApiKeyEnv() +
           ", which is sent only to the provider's own API)";
  }
  if (code == "llm_not_found") return "check --llm-base-url and --llm-model";
  if (code == "llm_unsupported_input") {
    return "the server cannot read images: choose a vision model (a llama.cpp server needs "
           "--mmproj)";
  }
  if (code == "llm_quota_exceeded") return "the account's quota or spend limit is used up";
  return "";
}

}  // namespace

LabelVerdict VlmBackend::Judge(ChatClient& client, const LabelItem& item,
                               const std::vector<std::string>& labels) {
  LabelVerdict verdict;
  auto failed = [&](std::string code) {
    verdict.error_code = std::move(code);
    std::lock_guard<std::mutex> lock(mutex_);
    ++failures_[verdict.error_code];
    return verdict;
  };
  // The candidates: every label, or the image's own and the first others.
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < labels.size(); ++i) ids.push_back(i);
  std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) { return labels[a] < labels[b]; });
  if (ids.size() > options_.max_candidates) {
    std::vector<uint32_t> keep = {item.label};
    for (uint32_t id : ids) {
      if (keep.size() >= options_.max_candidates) break;
      if (id != item.label) keep.push_back(id);
    }
    std::sort(keep.begin(), keep.end(),
              [&](uint32_t a, uint32_t b) { return labels[a] < labels[b]; });
    ids = std::move(keep);
  }
  std::vector<std::string> candidates;
  for (uint32_t id : ids) candidates.push_back(labels[id]);

  auto picture = LoadLabelImage(item.path, options_.image_long_side, item.orientation);
  if (!picture.ok()) return failed(LoadErrorCode(picture.status()));
  auto jpeg = EncodeJpeg(picture->view(), options_.jpeg_quality);
  if (!jpeg.ok()) return failed("llm_encode_failed");

  ChatRequest request;
  request.system = std::string(kSystemPrompt);
  ChatMessage message;
  // The image before the text, as Anthropic recommends for vision prompts.
  message.content.push_back(ContentPart::Image("image/jpeg", std::move(jpeg).value()));
  message.content.push_back(ContentPart::Text(fmt::format(
      "Candidate labels: {}.\nWhich one does this picture show?", fmt::join(candidates, ", "))));
  request.messages.push_back(std::move(message));

  if (options_.max_requests > 0) {
    const ChatCache cache(options_.llm.cache_dir);
    const bool hit =
        cache.enabled() &&
        cache.Get(ChatCache::Key(client.endpoint(), BuildChatBody(client.endpoint(), request)));
    if (!hit && budget_.fetch_sub(1) <= 0) {
      skipped_.fetch_add(1);
      verdict.error_code = "skipped_max_requests";
      return verdict;
    }
  }
  const ChatResult result = client.Complete(request, [&](const ChatResult& answer) {
    auto parsed = ParseVlmAnswer(answer.text, candidates);
    return parsed.ok() || parsed.status().code() == StatusCode::kNotFound ? Status::Ok()
                                                                          : parsed.status();
  });
  asked_.fetch_add(1);
  if (result.cached) cached_.fetch_add(1);
  if (!result.ok()) {
    if (result.error_code == "llm_empty_answer") {
      refused_.fetch_add(1);
      return failed("llm_refused");
    }
    const std::string fix = EndpointFix(result.error_code, client.endpoint());
    if (!fix.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (fatal_.ok()) {
        fatal_ = Status::InvalidArgument(
            fmt::format("--backend vlm: {} refused the request ({}: {}); {}",
                        client.endpoint().Url(), result.error_code, result.error_message, fix));
      }
      stop_ = true;
    }
    return failed(result.error_code);
  }
  auto parsed = ParseVlmAnswer(result.text, candidates);
  if (!parsed.ok()) {
    refused_.fetch_add(1);
    return failed("llm_refused");
  }
  verdict.ok = true;
  verdict.label = parsed->label == kNoLabel ? kNoLabel : ids[parsed->label];
  verdict.confidence = parsed->confidence;
  verdict.facts =
      fmt::format("\"model\":{},\"cached\":{}{}", JsonQuote(client.endpoint().model),
                  result.cached ? "true" : "false", parsed->from_text ? ",\"from_text\":true" : "");
  return verdict;
}

Status VlmBackend::Run(const std::vector<LabelItem>& items, const std::vector<std::string>& labels,
                       std::vector<LabelVerdict>* out) {
  out->assign(items.size(), LabelVerdict());
  budget_ = options_.max_requests;
  std::atomic<size_t> next{0};
  const int threads =
      std::max(1, std::min<int>(options_.concurrency, static_cast<int>(items.size())));
  auto work = [&] {
    ChatClient client(options_.llm, options_.http, quirks_);
    for (;;) {
      const size_t i = next.fetch_add(1);
      if (i >= items.size()) return;
      if (stop_) {
        (*out)[i].error_code = "not_asked";
        continue;
      }
      (*out)[i] = Judge(client, items[i], labels);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  if (!items.empty()) work();
  for (std::thread& t : pool) t.join();
  return fatal_;
}

std::string VlmBackend::Summary() const {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t failed = 0;
  std::vector<std::string> parts;
  for (const auto& [code, n] : failures_) {
    failed += n;
    parts.push_back(fmt::format("{}: {}", code, n));
  }
  std::string s = fmt::format("vlm: {} asked, {} cached, {} refused, {} failed", asked_.load(),
                              cached_.load(), refused_.load(), failed);
  if (!parts.empty()) s += fmt::format(" ({})", fmt::join(parts, ", "));
  if (skipped_) s += fmt::format(", {} skipped (--max-requests)", skipped_.load());
  if (const std::string learned = quirks_->Describe(); !learned.empty())
    s += "; learned: " + learned;
  return s;
}

}  // namespace pix
