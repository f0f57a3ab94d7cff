// libFuzzer target: what a language model (or a server pretending to be one)
// sends back is untrusted. On arbitrary bytes, the answer readers must not
// crash, ExtractJson() must return only valid JSON, a judge's score must be
// in 0..1, and a chat response body is parsed in both protocols, with a
// success and with an error status.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/client.h"
#include "llm/answer.h"
#include "llm/chat.h"
#include "validate/quality_judge.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto json = pix::ExtractJson(text); json.ok()) {
    static simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(json->data(), json->size()).get(root)) __builtin_trap();
  }
  (void)pix::ParseStringList(text);
  if (auto judged = pix::ParseJudgeAnswer(text); judged.ok()) {
    if (!(judged->score >= 0 && judged->score <= 1)) __builtin_trap();
    if (judged->reason.size() > 200) __builtin_trap();
  }

  for (pix::LlmProtocol protocol : {pix::LlmProtocol::kOpenAi, pix::LlmProtocol::kAnthropic}) {
    for (long status : {200L, 429L}) {
      pix::HttpResponse response;
      response.status = status;
      response.body_bytes = size;
      (void)pix::ParseChatResponse(protocol, response, text);
    }
  }
  return 0;
}
