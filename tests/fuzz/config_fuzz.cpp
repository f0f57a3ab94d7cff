// libFuzzer target: dataset.yaml on arbitrary bytes. A config is written by
// hand, so anything may be in it; every mistake must be an error naming the
// file, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/dataset_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto config = pix::ParseDatasetConfig(yaml, "dataset.yaml");
  if (!config.ok() && config.status().message().find("dataset.yaml") == std::string::npos) {
    __builtin_trap();
  }
  return 0;
}
