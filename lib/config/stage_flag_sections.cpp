// dataset.yaml `network:`, `download:`, `dedup:`, `labelling:` and
// `output:`: keys that become flags of the networked stages, pix-fetch,
// pix-dedup, pix-label and pix-pack (see config/stage_settings.h).
// pix-validate reads its own section (validate_section.cpp).
// A stage's section is one table; a new key is one line.
#include <fmt/format.h>

#include "config/sections.h"

namespace pix {
namespace {

// kInt: a count, 0 or more. kThreshold: Hamming bits, -1 (off) to 32, as
// pix-dedup's --window-threshold and --crop-threshold take them.
// kOff: a boolean that is on by default in the tool; `false` passes the flag
// (`report: false` -> `--no-report`). kPath: text naming a file, resolved
// against the directory of dataset.yaml (the stages run elsewhere).
enum class KeyType { kInt, kThreshold, kNumber, kBool, kOff, kText, kPath };

struct FlagKey {
  const char* key;   // in dataset.yaml
  const char* flag;  // of the tool
  KeyType type;
  const char* choices = nullptr;  // "a|b|c" for kText keys with a fixed set
};

constexpr FlagKey kDownloadKeys[] = {
    {"concurrency", "--concurrency", KeyType::kInt},
    {"per_host", "--per-host", KeyType::kInt},
    {"host_delay", "--host-delay", KeyType::kNumber},
    {"max_bytes", "--max-bytes", KeyType::kInt},
    {"timeout", "--timeout", KeyType::kNumber},
    {"connect_timeout", "--connect-timeout", KeyType::kNumber},
    {"retries", "--retries", KeyType::kInt},
    {"low_speed_limit", "--low-speed-limit", KeyType::kInt},
    {"low_speed_time", "--low-speed-time", KeyType::kInt},
    {"referer", "--referer", KeyType::kText},
    {"user_agent", "--user-agent", KeyType::kText},
    {"ignore_noai", "--ignore-noai", KeyType::kBool},
    {"no_http2", "--no-http2", KeyType::kBool},
};

// For every stage that goes on the network (keywords' LLM, search, fetch).
constexpr FlagKey kNetworkKeys[] = {
    {"allow_private", "--allow-private", KeyType::kBool},
    {"proxy", "--proxy", KeyType::kText},
    {"proxy_from_env", "--proxy-from-env", KeyType::kBool},
};

constexpr FlagKey kDedupKeys[] = {
    {"threshold", "--threshold", KeyType::kInt},
    {"dhash_threshold", "--dhash-threshold", KeyType::kInt},
    {"window_threshold", "--window-threshold", KeyType::kThreshold},
    {"crop_threshold", "--crop-threshold", KeyType::kThreshold},
    {"crop_batch", "--crop-batch", KeyType::kInt},
    {"keep", "--keep", KeyType::kText, "largest|best-quality|first"},
    {"hash", "--hash", KeyType::kText, "exact|fast"},
    {"exact_only", "--exact-only", KeyType::kBool},
    {"strict", "--strict", KeyType::kBool},
};

constexpr FlagKey kLabellingKeys[] = {
    {"backend", "--backend", KeyType::kText},
    {"review_below", "--review-below", KeyType::kNumber},
    {"review_weak_below", "--review-weak-below", KeyType::kNumber},
    {"drop_below", "--drop-below", KeyType::kNumber},
    {"relabel", "--relabel", KeyType::kBool},
    {"relabel_margin", "--relabel-margin", KeyType::kNumber},
    {"strict", "--strict", KeyType::kBool},
    {"refine_weight", "--refine-weight", KeyType::kNumber},
    {"wordnet", "--no-wordnet", KeyType::kOff},
    {"max_requests", "--max-requests", KeyType::kInt},
    {"embed_model", "--embed-model", KeyType::kPath},
    {"classifier_model", "--classifier-model", KeyType::kPath},
    {"classifier_classes", "--classifier-classes", KeyType::kPath},
};

// pix-pack's keys in `output:`, beside dir and store.
constexpr FlagKey kPackKeys[] = {
    {"split", "--split", KeyType::kText},
    {"tier", "--tier", KeyType::kText, "hot|warm|archive"},
    {"level", "--level", KeyType::kInt},
    {"format", "--format", KeyType::kText, "jpeg|png|webp"},
    {"quality", "--quality", KeyType::kInt},
    {"resize", "--resize", KeyType::kText},
    {"resize_mode", "--resize-mode", KeyType::kText, "shorter|longer|crop|pad"},
    {"copy", "--copy", KeyType::kBool},
    {"reflink", "--reflink", KeyType::kBool},
    {"webdataset", "--webdataset", KeyType::kBool},
    {"shard_size", "--shard-size", KeyType::kInt},
    {"report", "--no-report", KeyType::kOff},
    {"thumbnails", "--thumbnails", KeyType::kInt},
};

std::string DirOf(const std::string& file) {
  const size_t slash = file.rfind('/');
  return slash == std::string::npos ? "." : file.substr(0, slash);
}

template <size_t N>
std::vector<std::string_view> KeyNames(const FlagKey (&table)[N],
                                       std::initializer_list<const char*> more) {
  std::vector<std::string_view> names;
  for (const FlagKey& k : table) names.push_back(k.key);
  for (const char* m : more) names.push_back(m);
  return names;
}

// Reads the keys of `table` that are set in `section` into flags; kPath
// values are made absolute against `base_dir` (the directory of dataset.yaml).
template <size_t N>
Status ReadFlags(const YamlMap& section, const FlagKey (&table)[N], StageFlags* out,
                 const std::string& base_dir = ".") {
  for (const FlagKey& k : table) {
    if (!section.Has(k.key) || section.Node(k.key).IsNull()) continue;
    switch (k.type) {
      case KeyType::kInt: {
        size_t value = 0;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value, SIZE_MAX));
        out->args.insert(out->args.end(), {k.flag, std::to_string(value)});
        break;
      }
      case KeyType::kThreshold: {
        int value = 0;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value, -1, 32));
        out->args.insert(out->args.end(), {k.flag, std::to_string(value)});
        break;
      }
      case KeyType::kNumber: {
        double value = 0;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value, 0, 1e12));
        out->args.insert(out->args.end(), {k.flag, fmt::format("{}", value)});
        break;
      }
      case KeyType::kBool: {
        bool value = false;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value));
        if (value) out->args.emplace_back(k.flag);
        break;
      }
      case KeyType::kOff: {
        bool value = true;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value));
        if (!value) out->args.emplace_back(k.flag);
        break;
      }
      case KeyType::kPath: {
        std::string value;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value));
        if (!value.empty() && value[0] != '/') value = base_dir + "/" + value;
        out->args.insert(out->args.end(), {k.flag, value});
        break;
      }
      case KeyType::kText: {
        std::string value;
        PIX_RETURN_IF_ERROR(section.Get(k.key, &value));
        if (k.choices) {
          bool known = false;
          for (std::string_view rest = k.choices; !rest.empty();) {
            const size_t bar = rest.find('|');
            known = known || rest.substr(0, bar) == value;
            rest = bar == std::string_view::npos ? "" : rest.substr(bar + 1);
          }
          if (!known) {
            return section.Error(section.Node(k.key), k.key,
                                 fmt::format("expected one of {}, got \"{}\"", k.choices, value));
          }
        }
        out->args.insert(out->args.end(), {k.flag, value});
        break;
      }
    }
  }
  std::vector<std::string> extra;
  PIX_RETURN_IF_ERROR(section.Get("extra_args", &extra));
  out->args.insert(out->args.end(), extra.begin(), extra.end());
  return Status::Ok();
}

}  // namespace

Status ParseLabellingSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("labelling"));
  PIX_RETURN_IF_ERROR(s.CheckKeys(KeyNames(kLabellingKeys, {"extra_args"})));
  return ReadFlags(s, kLabellingKeys, &config->labelling, DirOf(config->path));
}

Status ParsePackKeys(const YamlMap& output, DatasetConfig* config) {
  return ReadFlags(output, kPackKeys, &config->output.pack);
}

std::vector<std::string_view> PackKeyNames() { return KeyNames(kPackKeys, {"extra_args"}); }

Status ParseDownloadSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("download"));
  PIX_RETURN_IF_ERROR(s.CheckKeys(KeyNames(kDownloadKeys, {"extra_args"})));
  return ReadFlags(s, kDownloadKeys, &config->download);
}

Status ParseNetworkSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("network"));
  PIX_RETURN_IF_ERROR(s.CheckKeys(KeyNames(kNetworkKeys, {"allow_net"})));
  std::vector<std::string> nets;
  PIX_RETURN_IF_ERROR(s.Get("allow_net", &nets));
  PIX_RETURN_IF_ERROR(ReadFlags(s, kNetworkKeys, &config->network));
  for (const std::string& net : nets)
    config->network.args.insert(config->network.args.end(), {"--allow-net", net});
  return Status::Ok();
}

Status ParseDedupSection(const YamlMap& top, DatasetConfig* config) {
  PIX_ASSIGN_OR_RETURN(YamlMap s, top.Child("dedup"));
  PIX_RETURN_IF_ERROR(s.CheckKeys(KeyNames(kDedupKeys, {"extra_args", "index"})));
  PIX_RETURN_IF_ERROR(s.Get("index", &config->dedup.index));
  return ReadFlags(s, kDedupKeys, &config->dedup.flags);
}

}  // namespace pix
