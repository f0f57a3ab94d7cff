// WebDataset shards of a dataset: plain tar files that the webdataset
// library (and Hugging Face's webdataset loader) stream without unpacking.
//
// Shards are written at the dataset root as NAME-000000.tar, NAME-000001.tar,
// ... (NAME-<split>-000000.tar per split with --split), each holding up to
// `shard_size` samples. A sample is three consecutive entries sharing a key,
// the image's dataset path without its extension ("cat/tabby-3f2a9c1b"):
// KEY.<ext> (the image bytes), KEY.cls (the class index, ASCII decimal, as in
// classes.txt) and KEY.json (the entry, as in labels.json). Keys hold no dot
// in their last component (names have none), as webdataset requires.
// Samples are ordered by SHA-256, a stable shuffle, so a shard is a fair
// sample of the labels. Root files are ignored by torchvision's ImageFolder.
// Thread-safety: reentrant. Failure modes: kIoError naming the shard.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "pack/pack_entry.h"

namespace pix {

// Writes the shards of `entries` (whose files are under `root`) into
// `root`; returns the shard file names. `class_index`: label -> index.
Result<std::vector<std::string>> WriteWebDataset(const std::string& root,
                                                 const std::vector<PackEntry>& entries,
                                                 const std::map<std::string, int>& class_index,
                                                 const std::string& name, size_t shard_size);

// The key of an entry: its path without the extension.
std::string WebDatasetKey(const std::string& path);

}  // namespace pix
