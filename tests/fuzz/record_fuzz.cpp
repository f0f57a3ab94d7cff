// libFuzzer target: Record::Parse on arbitrary bytes must never crash, and a
// record that parses must serialise to text that parses again to the same
// text (the passthrough guarantee).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jsonl/record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static pix::RecordParser parser;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = pix::Record::Parse(text, parser);
  if (!record.ok()) return 0;
  const std::string once = record->ToJson();
  auto again = pix::Record::Parse(once, parser);
  if (!again.ok() || again->ToJson() != once) __builtin_trap();
  record->SetString("added", text);
  auto with_field = pix::Record::Parse(record->ToJson(), parser);
  if (!with_field.ok()) __builtin_trap();
  return 0;
}
