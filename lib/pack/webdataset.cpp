#include "pack/webdataset.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/files.h"
#include "pack/archive.h"

namespace pix {

std::string WebDatasetKey(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.find('.', slash == std::string::npos ? 0 : slash + 1);
  return dot == std::string::npos ? path : path.substr(0, dot);
}

Result<std::vector<std::string>> WriteWebDataset(const std::string& root,
                                                 const std::vector<PackEntry>& entries,
                                                 const std::map<std::string, int>& class_index,
                                                 const std::string& name, size_t shard_size) {
  std::map<std::string, std::vector<const PackEntry*>> by_split;
  for (const auto& e : entries) by_split[e.split].push_back(&e);
  std::vector<std::string> shards;
  for (auto& [split, list] : by_split) {
    std::sort(list.begin(), list.end(),
              [](const PackEntry* a, const PackEntry* b) { return a->sha256 < b->sha256; });
    const std::string stem = split.empty() ? name : name + "-" + split;
    for (size_t first = 0, n = 0; first < list.size(); first += shard_size, ++n) {
      const std::string file = fmt::format("{}-{:06}.tar", stem, n);
      PIX_ASSIGN_OR_RETURN(auto tar, TierWriter::Open(Tier::kFolder, JoinPath(root, file), {}));
      const size_t end = std::min(list.size(), first + shard_size);
      for (size_t i = first; i < end; ++i) {
        const PackEntry& e = *list[i];
        std::string key = WebDatasetKey(e.path);
        if (!split.empty() && key.rfind(split + "/", 0) == 0) key = key.substr(split.size() + 1);
        const std::string ext = e.path.substr(e.path.find('.', e.path.rfind('/') + 1) + 1);
        PIX_RETURN_IF_ERROR(tar->AddFile(key + "." + ext, JoinPath(root, e.path), e.bytes));
        auto idx = class_index.find(e.label);
        const std::string cls = std::to_string(idx == class_index.end() ? -1 : idx->second);
        PIX_RETURN_IF_ERROR(tar->Begin(key + ".cls", cls.size()));
        PIX_RETURN_IF_ERROR(tar->Data(cls.data(), cls.size()));
        const std::string json = EntryToJson(e);
        PIX_RETURN_IF_ERROR(tar->Begin(key + ".json", json.size()));
        PIX_RETURN_IF_ERROR(tar->Data(json.data(), json.size()));
      }
      PIX_RETURN_IF_ERROR(tar->Commit());
      shards.push_back(file);
    }
  }
  return shards;
}

}  // namespace pix
