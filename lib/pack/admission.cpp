#include "pack/admission.h"

#include <simdjson.h>

#include "jsonl/fields.h"

namespace pix {
namespace {

// "stage/code" of a record's error object.
std::string ErrorDetail(std::string_view raw) {
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(raw.data(), raw.size()).get(e)) return std::string(raw);
  std::string_view stage, code;
  if (e["stage"].get_string().get(stage)) stage = "?";
  if (e["code"].get_string().get(code)) code = "?";
  return std::string(stage) + "/" + std::string(code);
}

// The `reject` list (strings, or objects with a "code"), joined by commas.
std::string RejectDetail(const Record& record) {
  auto raw = record.Raw(field::kReject);
  if (!raw) return "";
  if (auto s = record.GetString(field::kReject)) return *s;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  if (parser.parse(raw->data(), raw->size()).get(e)) return "";
  simdjson::dom::array list;
  if (e.get_array().get(list)) return "";
  std::string out;
  for (simdjson::dom::element item : list) {
    std::string_view s;
    if (item.get_string().get(s) && item["code"].get_string().get(s)) continue;
    if (!out.empty()) out += ",";
    out += s;
  }
  return out;
}

}  // namespace

std::optional<Rejection> CheckAdmission(const Record& record) {
  if (auto raw = record.Raw(field::kError); raw && *raw != "null") {
    return Rejection{"failed", ErrorDetail(*raw)};
  }
  if (record.GetBool("dropped").value_or(false)) return Rejection{"dropped", ""};
  if (auto dup = record.Raw(field::kDupOf); dup && *dup != "null") {
    return Rejection{"duplicate", record.GetString(field::kDupOf).value_or(std::string(*dup))};
  }
  auto valid = record.GetBool(field::kValid);
  if (!valid) return Rejection{"not_validated", ""};
  if (!*valid) return Rejection{"invalid", RejectDetail(record)};
  auto label = record.GetString(field::kLabel);
  if (!label || label->empty()) return Rejection{"no_label", ""};
  auto path = record.GetString(field::kPath);
  if (!path || path->empty()) return Rejection{"no_file", ""};
  return std::nullopt;
}

bool IsFaultReason(const std::string& reason) {
  return reason == "missing_file" || reason == "changed_file" || reason == "reencode_failed";
}

}  // namespace pix
