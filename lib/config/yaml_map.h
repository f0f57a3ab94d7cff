// YamlMap: reads one mapping of dataset.yaml into plain structs, with errors
// that name the file, line, column and key ("dataset.yaml:12:10:
// keywords.wordnet.depth: expected an integer, got \"deep\"").
//
// Each section parser (config/sections.h) wraps its node in a YamlMap,
// lists its keys with CheckKeys() (an unknown key is an error, so a typo
// never passes silently) and reads each field with Get(), which leaves the
// default in place when the key is absent (or, for scalars, null). yaml-cpp exceptions are
// caught here and become kInvalidArgument. Thread-safety: a value; yaml-cpp
// nodes are not shared across threads.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

class YamlMap {
 public:
  // `node` must be a mapping or null (an empty section). `path` is the key
  // path for messages ("keywords.wordnet"), empty at the top.
  static Result<YamlMap> Of(const YAML::Node& node, std::string file, std::string path);

  // Fails on the first key not in `allowed`, listing the allowed ones.
  Status CheckKeys(std::initializer_list<std::string_view> allowed) const;
  Status CheckKeys(const std::vector<std::string_view>& allowed) const;

  bool Has(std::string_view key) const;
  YAML::Node Node(std::string_view key) const;
  // The mapping under `key` (an empty one when absent).
  Result<YamlMap> Child(std::string_view key) const;

  Status Get(std::string_view key, std::string* out) const;
  Status Get(std::string_view key, bool* out) const;
  // Integers are checked against [min, max].
  Status Get(std::string_view key, int* out, int min, int max) const;
  Status Get(std::string_view key, size_t* out, size_t max) const;
  Status Get(std::string_view key, double* out, double min, double max) const;
  // A null value clears the optional.
  Status Get(std::string_view key, std::optional<double>* out, double min, double max) const;
  // Seconds, as a number ("30", "2.5").
  Status Get(std::string_view key, std::chrono::milliseconds* out) const;
  // A sequence of strings, or one string as a one-element list. Unlike the
  // scalars, an empty value (`key:` or `key: []`) means an empty list.
  Status Get(std::string_view key, std::vector<std::string>* out) const;

  // "file:line:col: path.key: message" at `node`'s position.
  Status Error(const YAML::Node& node, std::string_view key, std::string_view message) const;

  const std::string& file() const { return file_; }
  // "path.key", or "key" at the top.
  std::string KeyPath(std::string_view key) const;

 private:
  YamlMap(YAML::Node node, std::string file, std::string path)
      : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

  YAML::Node node_;
  std::string file_;
  std::string path_;
};

// "file:line:col" of a node (1-based), or just "file" when yaml-cpp has no mark.
std::string YamlLocation(const std::string& file, const YAML::Node& node);

}  // namespace pix
