// libFuzzer target: every search engine's result-page parser on arbitrary
// bytes. The first byte picks the parser; the rest is the page. A parser may
// fail, never crash, and a hit it reports has a URL.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "engines/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<const pix::PageParser*> parsers = [] {
    std::vector<const pix::PageParser*> all;
    for (const pix::EngineDef* e : pix::AllEngines()) {
      for (const pix::PageParser& p : e->parsers) all.push_back(&p);
    }
    return all;
  }();
  if (size == 0) return 0;
  const pix::PageParser* parser = parsers[data[0] % parsers.size()];
  const pix::PageResult page =
      parser->parse(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  for (const auto& hit : page.hits) {
    if (hit.url.empty()) __builtin_trap();
  }
  return 0;
}
