#include "llm/chat_cache.h"

#include "base/files.h"
#include "hash/sha256.h"

namespace pix {

std::string ChatCache::Key(const LlmEndpoint& endpoint, std::string_view request_body) {
  Sha256 h;
  // The version prefix lets a future change of the format retire old entries.
  h.Update("pixcrawler-llm-cache-v1\n");
  h.Update(LlmProtocolName(endpoint.protocol));
  h.Update("\n");
  h.Update(endpoint.Url());
  h.Update("\n");
  h.Update(request_body);
  return h.Finish();
}

std::string ChatCache::PathFor(const std::string& key) const {
  return JoinPath(JoinPath(dir_, key.substr(0, 2)), key + ".txt");
}

std::optional<std::string> ChatCache::Get(const std::string& key) const {
  if (!enabled()) return std::nullopt;
  auto text = ReadFile(PathFor(key));
  if (!text.ok()) return std::nullopt;
  return std::move(text).value();
}

Status ChatCache::Put(const std::string& key, std::string_view answer) const {
  if (!enabled()) return Status::Ok();
  PIX_RETURN_IF_ERROR(MakeDirs(JoinPath(dir_, key.substr(0, 2))));
  return WriteFileAtomic(PathFor(key), answer);
}

}  // namespace pix
