#include "config/yaml_map.h"

#include <fmt/format.h>

namespace pix {
namespace {

std::string Scalar(const YAML::Node& node) {
  if (node.IsScalar()) return "\"" + node.Scalar() + "\"";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

}  // namespace

std::string YamlLocation(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file;
  return fmt::format("{}:{}:{}", file, mark.line + 1, mark.column + 1);
}

Result<YamlMap> YamlMap::Of(const YAML::Node& node, std::string file, std::string path) {
  // A missing key gives a "zombie" node that throws on assignment, so the
  // member is copy-constructed, and from a null node in that case.
  YamlMap map(node ? node : YAML::Node(), std::move(file), std::move(path));
  if (node && !node.IsNull() && !node.IsMap()) {
    return Status::InvalidArgument(fmt::format(
        "{}: {}: expected a mapping (key: value lines), got {}", YamlLocation(map.file_, node),
        map.path_.empty() ? "top level" : map.path_, Scalar(node)));
  }
  return map;
}

std::string YamlMap::KeyPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Status YamlMap::Error(const YAML::Node& node, std::string_view key,
                      std::string_view message) const {
  return Status::InvalidArgument(
      fmt::format("{}: {}: {}", YamlLocation(file_, node), KeyPath(key), message));
}

Status YamlMap::CheckKeys(std::initializer_list<std::string_view> allowed) const {
  return CheckKeys(std::vector<std::string_view>(allowed));
}

Status YamlMap::CheckKeys(const std::vector<std::string_view>& allowed) const {
  if (!node_ || !node_.IsMap()) return Status::Ok();
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return Status::InvalidArgument(fmt::format("{}: unknown key \"{}\" in {} (known keys: {})",
                                               YamlLocation(file_, it->first), KeyPath(key),
                                               path_.empty() ? "the top level" : path_, list));
  }
  return Status::Ok();
}

bool YamlMap::Has(std::string_view key) const {
  const YAML::Node n = Node(key);
  return n && !n.IsNull();
}

YAML::Node YamlMap::Node(std::string_view key) const {
  if (!node_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  // yaml-cpp's operator[] on a const node does not insert.
  const YAML::Node& cnode = node_;
  return cnode[std::string(key)];
}

Result<YamlMap> YamlMap::Child(std::string_view key) const {
  return Of(Node(key), file_, KeyPath(key));
}

Status YamlMap::Get(std::string_view key, std::string* out) const {
  const YAML::Node n = Node(key);
  if (!n || n.IsNull()) return Status::Ok();
  if (!n.IsScalar()) return Error(n, key, "expected text, got " + Scalar(n));
  *out = n.Scalar();
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, bool* out) const {
  const YAML::Node n = Node(key);
  if (!n || n.IsNull()) return Status::Ok();
  try {
    *out = n.as<bool>();
  } catch (const YAML::Exception&) {
    return Error(n, key, "expected true or false, got " + Scalar(n));
  }
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, double* out, double min, double max) const {
  const YAML::Node n = Node(key);
  if (!n || n.IsNull()) return Status::Ok();
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    return Error(n, key, "expected a number, got " + Scalar(n));
  }
  if (!(v >= min && v <= max)) {
    return Error(n, key, fmt::format("{} is out of range [{}, {}]", n.Scalar(), min, max));
  }
  *out = v;
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, int* out, int min, int max) const {
  const YAML::Node n = Node(key);
  if (!n || n.IsNull()) return Status::Ok();
  long long v = 0;
  try {
    v = n.as<long long>();
  } catch (const YAML::Exception&) {
    return Error(n, key, "expected an integer, got " + Scalar(n));
  }
  if (v < min || v > max) {
    return Error(n, key, fmt::format("{} is out of range [{}, {}]", v, min, max));
  }
  *out = static_cast<int>(v);
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, size_t* out, size_t max) const {
  int v = static_cast<int>(std::min<size_t>(*out, static_cast<size_t>(INT32_MAX)));
  PIX_RETURN_IF_ERROR(Get(key, &v, 0, static_cast<int>(std::min<size_t>(max, INT32_MAX))));
  *out = static_cast<size_t>(v);
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, std::optional<double>* out, double min,
                    double max) const {
  const YAML::Node n = Node(key);
  if (!n) return Status::Ok();
  if (n.IsNull()) {
    out->reset();
    return Status::Ok();
  }
  double v = out->value_or(0);
  PIX_RETURN_IF_ERROR(Get(key, &v, min, max));
  *out = v;
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, std::chrono::milliseconds* out) const {
  double seconds = static_cast<double>(out->count()) / 1000;
  PIX_RETURN_IF_ERROR(Get(key, &seconds, 0.001, 86400.0 * 365));
  *out = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  return Status::Ok();
}

Status YamlMap::Get(std::string_view key, std::vector<std::string>* out) const {
  const YAML::Node n = Node(key);
  if (!n) return Status::Ok();
  out->clear();
  if (n.IsNull()) return Status::Ok();
  if (n.IsScalar()) {
    out->push_back(n.Scalar());
    return Status::Ok();
  }
  if (!n.IsSequence()) return Error(n, key, "expected a list of text, got " + Scalar(n));
  for (const YAML::Node& item : n) {
    if (!item.IsScalar()) return Error(item, key, "expected text in the list, got " + Scalar(item));
    out->push_back(item.Scalar());
  }
  return Status::Ok();
}

}  // namespace pix
