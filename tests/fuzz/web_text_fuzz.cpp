// libFuzzer target: text that hostile servers and result pages control, other
// than whole pages: Retry-After values, URLs found in results, query strings.
// Beyond not crashing: NormalizeUrl() is idempotent (one URL, one spelling,
// which de-duplication relies on) and returns only http(s) URLs, and
// UrlDecode() undoes UrlEncode().
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/url.h"
#include "http/client.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  if (auto delay = pix::ParseRetryAfter(text, now); delay && delay->count() < 0) __builtin_trap();

  if (auto url = pix::NormalizeUrl(text)) {
    if (!url->starts_with("http://") && !url->starts_with("https://")) __builtin_trap();
    auto again = pix::NormalizeUrl(*url);
    if (!again || *again != *url) __builtin_trap();
  }
  if (pix::UrlDecode(pix::UrlEncode(text), false) != text) __builtin_trap();
  (void)pix::ParseQueryString(text);
  return 0;
}
