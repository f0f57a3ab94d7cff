#include "pack/run_counts.h"

#include <simdjson.h>

#include "jsonl/fields.h"
#include "jsonl/json_text.h"
#include "pack/admission.h"

namespace pix {
namespace {

bool Relabelled(const Record& record) {
  if (record.GetBool("relabelled").value_or(false)) return true;
  auto raw = record.Raw(field::kLabelEvidence);
  if (!raw) return false;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(raw->data(), raw->size()).get(e)) return false;
  std::string_view original;
  if (e["original_label"].get_string().get(original)) return false;
  return original != record.GetString(field::kLabel).value_or("");
}

}  // namespace

void AddCountsJson(JsonBuilder& j, std::string_view key, const std::map<std::string, uint64_t>& m) {
  j.Key(key).BeginObject();
  for (const auto& [k, v] : m) j.Key(k).Int(static_cast<int64_t>(v));
  j.EndObject();
}

void RunCounts::Count(const Record& record) {
  ++found;
  if (record.Has(field::kSha256) || record.Has(field::kPath)) ++fetched;
  if (Relabelled(record)) ++relabelled;
  auto verdict = CheckAdmission(record);
  if (!verdict) return;
  if (verdict->reason == "failed") ++failed[verdict->detail];
  if (verdict->reason == "duplicate") ++duplicates;
  if (verdict->reason == "dropped") ++dropped;
  if (verdict->reason == "invalid") {
    std::string_view rest = verdict->detail;
    if (rest.empty()) ++invalid["unspecified"];
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      ++invalid[std::string(rest.substr(0, comma))];
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
}

std::string RunCounts::ToJson() const {
  JsonBuilder j;
  j.BeginObject();
  j.Key("found").Int(static_cast<int64_t>(found));
  j.Key("fetched").Int(static_cast<int64_t>(fetched));
  AddCountsJson(j, "failed", failed);
  AddCountsJson(j, "invalid", invalid);
  j.Key("duplicates").Int(static_cast<int64_t>(duplicates));
  j.Key("dropped").Int(static_cast<int64_t>(dropped));
  j.Key("relabelled").Int(static_cast<int64_t>(relabelled));
  j.Key("packed").Int(static_cast<int64_t>(packed));
  j.Key("already_present").Int(static_cast<int64_t>(already_present));
  AddCountsJson(j, "rejected", rejected);
  j.Key("faults").Int(static_cast<int64_t>(faults));
  j.EndObject();
  return j.Take();
}

}  // namespace pix
