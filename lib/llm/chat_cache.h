// ChatCache: language-model answers kept on disk, keyed by the request.
//
// The key is the SHA-256 of the protocol, the endpoint URL and the exact
// request body (model, prompt, images, temperature, token limit), so a re-run
// with the same settings asks nothing over the network and gets the same
// answer, and changing any of them asks again. The API key is not part of
// the key and is never written. Each answer is one file,
// <dir>/<first two hex digits>/<key>.txt, written atomically; deleting the
// directory (or any file in it) is always safe.
//
// Failure modes: Get() treats an unreadable entry as a miss; Put() returns
// the I/O error. Thread-safety: separate processes may share a directory
// (writes are atomic renames); one object is used by one thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "llm/chat.h"

namespace pix {

class ChatCache {
 public:
  // An empty `dir` disables the cache: Get() misses, Put() does nothing.
  explicit ChatCache(std::string dir) : dir_(std::move(dir)) {}

  static std::string Key(const LlmEndpoint& endpoint, std::string_view request_body);

  bool enabled() const { return !dir_.empty(); }
  std::optional<std::string> Get(const std::string& key) const;
  Status Put(const std::string& key, std::string_view answer) const;

 private:
  std::string PathFor(const std::string& key) const;
  std::string dir_;
};

}  // namespace pix
