#include "dedup/dedup_keys.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "jsonl/fields.h"
#include "jsonl/json_text.h"

namespace pix {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A string field that is present: its value, or an error when it is not a
// string. nullopt when missing or null.
Result<std::optional<std::string>> StringField(const Record& record, std::string_view key) {
  if (!record.Has(key) || record.IsNull(key)) return std::optional<std::string>();
  auto value = record.GetString(key);
  if (!value) {
    return Status::Corruption(fmt::format("{} must be a string, got {}", key, *record.Raw(key)));
  }
  return value;
}

Result<std::optional<uint64_t>> Hash64Field(const Record& record, std::string_view key) {
  PIX_ASSIGN_OR_RETURN(auto text, StringField(record, key));
  if (!text) return std::optional<uint64_t>();
  auto value = ParseHash64(*text);
  if (!value) {
    return Status::Corruption(
        fmt::format("{} must be 16 hex digits, got {}", key, JsonQuote(text->substr(0, 80))));
  }
  return value;
}

// A count that is present: a number of 0 or more; 0 when missing or null. A
// field of another type, or negative, is an InvalidArgument (bad_field).
Result<uint64_t> CountField(const Record& record, std::string_view key) {
  if (!record.Has(key) || record.IsNull(key)) return uint64_t{0};
  auto v = record.GetDouble(key);
  if (!v || !std::isfinite(*v) || *v < 0) {
    return Status::InvalidArgument(fmt::format("{} must be a number of 0 or more, got {}", key,
                                               record.Raw(key)->substr(0, 80)));
  }
  return *v >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(*v);
}

// quality.score when present: a number (clamped to 0..1); -1 when absent.
Result<float> QualityScore(const Record& record) {
  if (!record.Has(field::kQuality) || record.IsNull(field::kQuality)) return -1.0f;
  // Only quality.score is needed; a nested parse of the small object.
  static thread_local RecordParser parser;
  auto parsed = Record::Parse(*record.Raw(field::kQuality), parser);
  if (!parsed.ok()) {
    return Status::InvalidArgument(fmt::format("quality must be an object, got {}",
                                               record.Raw(field::kQuality)->substr(0, 80)));
  }
  if (!parsed->Has("score") || parsed->IsNull("score")) return -1.0f;
  auto score = parsed->GetDouble("score");
  if (!score || !std::isfinite(*score)) {
    return Status::InvalidArgument(
        fmt::format("quality.score must be a number, got {}", parsed->Raw("score")->substr(0, 80)));
  }
  return static_cast<float>(std::clamp(*score, 0.0, 1.0));
}

}  // namespace

std::optional<uint64_t> ParseHash64(std::string_view hex) {
  if (hex.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    const int d = HexValue(c);
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  return v;
}

std::string FormatHash64(uint64_t hash) { return fmt::format("{:016x}", hash); }

std::string LowerAscii(std::string s) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return s;
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string RecordId(const Record& record, const std::vector<std::string>& id_fields) {
  for (const std::string& field : id_fields) {
    if (!record.Has(field) || record.IsNull(field)) continue;
    if (auto s = record.GetString(field)) return *s;
    return std::string(*record.Raw(field));
  }
  return {};
}

Result<DedupKeys> ReadDedupKeys(const Record& record, std::string_view id,
                                const HashFields& fields) {
  DedupKeys k;
  PIX_ASSIGN_OR_RETURN(auto sha, StringField(record, "sha256"));
  if (sha) {
    const bool hex = sha->size() == 64 &&
                     std::all_of(sha->begin(), sha->end(), [](char c) { return HexValue(c) >= 0; });
    if (!hex) {
      return Status::Corruption(
          fmt::format("sha256 must be 64 hex digits, got {}", JsonQuote(sha->substr(0, 80))));
    }
    k.has_sha256 = true;
    k.sha256 = TextDigest(LowerAscii(*sha));
  }
  PIX_ASSIGN_OR_RETURN(auto pixel, StringField(record, "pixel_hash"));
  if (pixel) {
    if (pixel->empty()) return Status::Corruption("pixel_hash must not be empty");
    k.has_pixel_hash = true;
    k.pixel_hash = TextDigest(LowerAscii(*pixel));
  }
  PIX_ASSIGN_OR_RETURN(auto phash, Hash64Field(record, fields.phash));
  if (phash) {
    k.has_phash = true;
    k.phash = *phash;
  }
  PIX_ASSIGN_OR_RETURN(auto dhash, Hash64Field(record, fields.dhash));
  if (dhash) {
    k.has_dhash = true;
    k.dhash = *dhash;
  }
  PIX_ASSIGN_OR_RETURN(const uint64_t w, CountField(record, "width"));
  PIX_ASSIGN_OR_RETURN(const uint64_t h, CountField(record, "height"));
  PIX_ASSIGN_OR_RETURN(const uint64_t bytes, CountField(record, "bytes"));
  k.pixels =
      (w && h)
          ? static_cast<uint32_t>(std::min<uint64_t>(
                std::min<uint64_t>(w, UINT32_MAX) * std::min<uint64_t>(h, UINT32_MAX), UINT32_MAX))
          : 0;
  k.bytes = static_cast<uint32_t>(std::min<uint64_t>(bytes, UINT32_MAX));
  PIX_ASSIGN_OR_RETURN(const float quality, QualityScore(record));
  if (quality >= 0) k.quality = quality;
  k.id_digest = TextDigest(id);
  return k;
}

}  // namespace pix
