#include "jsonl/json_text.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

TEST_CASE("JsonQuote escapes and keeps output valid UTF-8") {
  CHECK(JsonQuote("plain") == "\"plain\"");
  CHECK(JsonQuote("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(JsonQuote("line\nnext\t\x01") == "\"line\\nnext\\t\\u0001\"");
  CHECK(JsonQuote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  CHECK(JsonQuote("bad\xFF") == "\"bad\xEF\xBF\xBD\"");
  CHECK(JsonQuote("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST_CASE("UnescapeJsonString decodes escapes and surrogate pairs") {
  CHECK(*UnescapeJsonString("a\\nb") == "a\nb");
  CHECK(*UnescapeJsonString("\\u00e9") == "\xC3\xA9");
  CHECK(*UnescapeJsonString("\\ud83d\\ude00") == "\xF0\x9F\x98\x80");
  CHECK_FALSE(UnescapeJsonString("\\ud83d").ok());
  CHECK_FALSE(UnescapeJsonString("\\x").ok());
  CHECK_FALSE(UnescapeJsonString("\\u12").ok());
}

TEST_CASE("JsonBuilder places commas and keys") {
  JsonBuilder b;
  b.BeginObject().Key("a").Int(1).Key("b").BeginArray().String("x").Bool(true).Null().EndArray();
  b.Key("c").Double(0.5).Key("d").Double(1.0 / 0.0).EndObject();
  CHECK(b.str() == R"({"a":1,"b":["x",true,null],"c":0.5,"d":null})");
}

}  // namespace
}  // namespace pix
