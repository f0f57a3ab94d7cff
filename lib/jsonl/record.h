// Record: one JSON-lines record, the unit every pix-* stage reads and writes.
//
// A Record keeps the text of the line it was parsed from and the position of
// each top-level field in it. Fields a stage does not touch are written back
// byte for byte, so user fields, nested objects and number spellings survive
// any number of stages. Setting a field replaces its value in place (keeping
// field order) or appends it at the end. Lookups are linear: records have tens
// of fields, and a scan of short keys beats hashing them.
//
// Parsing validates the whole line (simdjson DOM parser) and requires a JSON
// object at the top whose keys are all different: a line with a key twice
// ({"label":"cat","label":"dog"}, escaped spellings included) is malformed,
// because JSON readers disagree on which one counts (pix(7)). Keys inside
// nested values are not checked; they pass through byte for byte. Thread-safety: a Record is a
// value; a RecordParser is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pix {

// Holds the parser state reused across Record::Parse calls.
class RecordParser {
 public:
  RecordParser();
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

 private:
  friend class Record;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Record {
 public:
  Record() = default;  // the empty object {}

  // Parses one line. Fails with kCorruption when `line` is not one JSON object.
  static Result<Record> Parse(std::string_view line, RecordParser& parser);
  // Reads a line this process wrote with AppendJson()/ToJson() from a Record
  // (a spool file read back): finds the fields without validating the JSON
  // again, several times faster than Parse(). REQUIRES: `line` is exactly
  // such text; anything else gives unspecified (but memory-safe) fields.
  static Record ParseTrusted(std::string_view line);

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  bool Has(std::string_view key) const { return Find(key) != nullptr; }

  // The raw JSON text of a field's value, as in the input.
  std::optional<std::string_view> Raw(std::string_view key) const;
  // Typed access; nullopt when the field is missing or has another type.
  std::optional<std::string> GetString(std::string_view key) const;
  std::optional<int64_t> GetInt(std::string_view key) const;  // integral numbers only
  std::optional<double> GetDouble(std::string_view key) const;
  std::optional<bool> GetBool(std::string_view key) const;
  bool IsNull(std::string_view key) const;

  // REQUIRES: `json` is one valid JSON value.
  void SetRaw(std::string_view key, std::string_view json);
  void SetString(std::string_view key, std::string_view value);
  void SetInt(std::string_view key, int64_t value);
  void SetDouble(std::string_view key, double value);
  void SetBool(std::string_view key, bool value);
  void SetNull(std::string_view key);
  // Returns whether the field was there.
  bool Remove(std::string_view key);

  // Field keys (escaped as in the text) and raw values, in order.
  struct FieldView {
    std::string_view key;
    std::string_view value;
  };
  std::vector<FieldView> Fields() const;

  // Appends the record as one line of JSON (no newline).
  void AppendJson(std::string* out) const;
  std::string ToJson() const;

 private:
  struct Span {
    uint32_t offset;
    uint32_t length;
  };
  struct Field {
    Span key;  // inside the quotes, escaped as in the text
    Span value;
    bool key_escaped = false;  // the key's text has a backslash escape
  };

  std::string_view View(Span s) const { return {text_.data() + s.offset, s.length}; }
  const Field* Find(std::string_view key) const;
  bool KeyIs(const Field& f, std::string_view key) const;
  Span Append(std::string_view text);
  // Finds the fields of text_ (valid JSON, an object at the top).
  void ScanFields();

  std::string text_;  // the parsed line, then any values set later
  std::vector<Field> fields_;
};

// The shared error convention: a failed stage sets
// "error": {"stage": ..., "code": ..., "message": ...} on the record.
void SetRecordError(Record* record, std::string_view stage, std::string_view code,
                    std::string_view message);
// Whether the record carries an error object from any stage.
bool HasRecordError(const Record& record);

}  // namespace pix
