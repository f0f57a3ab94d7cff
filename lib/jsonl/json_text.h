// Small JSON text helpers: string escaping and unescaping, and JsonBuilder for
// writing values. Parsing of whole documents is simdjson's job; these cover
// what simdjson does not do (writing) and the hot path of Record accessors
// (unescaping one string without building a document).
//
// Output is always valid UTF-8: invalid bytes in strings being written become
// U+FFFD, so text scraped from hostile pages cannot break the JSON-lines stream.
// Thread-safety: free functions are reentrant; a JsonBuilder is not shared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

// Appends `s` as a quoted JSON string to `out`.
void AppendJsonString(std::string* out, std::string_view s);
std::string JsonQuote(std::string_view s);

// Appends a JSON number for `v`: shortest text that reads back to the same
// double; NaN and infinities are written as null.
void AppendJsonDouble(std::string* out, double v);

// Decodes the inside of a JSON string literal (without the quotes).
// Fails on a bad escape or an unpaired surrogate escape.
Result<std::string> UnescapeJsonString(std::string_view escaped);

// Builds one JSON value. Commas are inserted as needed; the caller keeps
// Begin/End balanced and calls Key() before each value inside an object.
class JsonBuilder {
 public:
  JsonBuilder& BeginObject();
  JsonBuilder& EndObject();
  JsonBuilder& BeginArray();
  JsonBuilder& EndArray();
  JsonBuilder& Key(std::string_view key);
  JsonBuilder& String(std::string_view v);
  JsonBuilder& Int(int64_t v);
  JsonBuilder& Double(double v);
  JsonBuilder& Bool(bool v);
  JsonBuilder& Null();
  // Inserts already-serialised JSON text verbatim. REQUIRES: `json` is valid.
  JsonBuilder& Raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // one entry per open container: no value written yet
  bool after_key_ = false;
};

}  // namespace pix
