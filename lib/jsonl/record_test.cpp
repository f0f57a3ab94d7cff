#include "jsonl/record.h"

#include <doctest/doctest.h>

namespace pix {
namespace {

Record MustParse(std::string_view text) {
  RecordParser parser;
  auto r = Record::Parse(text, parser);
  REQUIRE(r.ok());
  return std::move(r).value();
}

TEST_CASE("unknown fields pass through byte for byte") {
  const std::string line =
      R"({"url":"http://x/a.jpg","n":1.50e2,"nested":{"k":[1, 2 ,{"z":null}]},"s":"\u00e9\n"})";
  Record r = MustParse(line);
  CHECK(r.ToJson() == line);
  r.SetInt("bytes", 10);
  CHECK(
      r.ToJson() ==
      R"({"url":"http://x/a.jpg","n":1.50e2,"nested":{"k":[1, 2 ,{"z":null}]},"s":"\u00e9\n","bytes":10})");
}

TEST_CASE("whitespace between tokens is normalised, values are kept") {
  Record r = MustParse(" { \"a\" : 1 , \"b\" :\t[ 1 ] } ");
  CHECK(r.ToJson() == R"({"a":1,"b":[ 1 ]})");
}

TEST_CASE("typed getters") {
  Record r = MustParse(R"({"s":"caf\u00e9","i":42,"f":2.5,"e":1e3,"t":true,"n":null,"neg":-7})");
  CHECK(*r.GetString("s") == "caf\xC3\xA9");
  CHECK(*r.GetInt("i") == 42);
  CHECK(*r.GetInt("e") == 1000);
  CHECK_FALSE(r.GetInt("f").has_value());
  CHECK(*r.GetDouble("f") == 2.5);
  CHECK(*r.GetBool("t"));
  CHECK(r.IsNull("n"));
  CHECK(*r.GetInt("neg") == -7);
  CHECK_FALSE(r.GetString("i").has_value());
  CHECK_FALSE(r.GetString("missing").has_value());
}

TEST_CASE("setters replace in place and keep order") {
  Record r = MustParse(R"({"a":1,"b":2,"c":3})");
  r.SetString("b", "two");
  r.SetBool("d", false);
  CHECK(r.ToJson() == R"({"a":1,"b":"two","c":3,"d":false})");
  CHECK(r.Remove("a"));
  CHECK_FALSE(r.Remove("a"));
  CHECK(r.ToJson() == R"({"b":"two","c":3,"d":false})");
}

TEST_CASE("a key with escapes is found by its decoded name") {
  Record r = MustParse(R"({"\u0075rl":"x"})");
  CHECK(*r.GetString("url") == "x");
  r.SetString("url", "y");
  CHECK(r.ToJson() == R"({"\u0075rl":"y"})");
}

TEST_CASE("malformed input is rejected") {
  RecordParser parser;
  for (const char* bad : {"", "{", "[1,2]", "\"str\"", R"({"a":tru})", R"({"a":1} x)",
                          R"({"a":[1,}]})", "{\"a\":\"\xFF\"}", R"({a:1})"}) {
    CAPTURE(bad);
    CHECK_FALSE(Record::Parse(bad, parser).ok());
  }
}

TEST_CASE("a key twice makes the line malformed, whatever its spelling or the line's length") {
  RecordParser parser;
  auto dup = Record::Parse(R"({"label":"cat","label":"dog"})", parser);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.status().message() == R"(duplicate key "label")");
  CHECK_FALSE(Record::Parse(R"({"label":"cat","l\u0061bel":"dog"})", parser).ok());
  CHECK(Record::Parse(R"({"a":{"x":1,"x":2},"b":{"x":3}})", parser).ok());  // nested: not checked
  std::string many = "{";
  for (int i = 0; i < 1000; ++i)
    many += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  CHECK(Record::Parse(many + "\"end\":0}", parser).ok());
  CHECK_FALSE(Record::Parse(many + "\"k500\":0}", parser).ok());
}

TEST_CASE("ParseTrusted reads back what AppendJson wrote, escaped keys included") {
  Record r = MustParse(R"({ "\u0075rl" : "x", "n":[1,{"a":"}"}], "s":"a\"b" })");
  r.SetString("new key\n", "v");
  r.SetDouble("c", 0.25);
  const std::string text = r.ToJson();
  Record back = Record::ParseTrusted(text);
  CHECK(back.ToJson() == text);
  CHECK(*back.GetString("url") == "x");
  CHECK(*back.GetString("s") == "a\"b");
  CHECK(*back.Raw("n") == R"([1,{"a":"}"}])");
  CHECK(*back.GetString("new key\n") == "v");
  CHECK(*back.GetDouble("c") == 0.25);
  back.SetString("url", "y");  // the escaped key is still found by its decoded name
  CHECK(back.size() == 5);
}

TEST_CASE("error objects") {
  Record r = MustParse(R"({"url":"u"})");
  CHECK_FALSE(HasRecordError(r));
  SetRecordError(&r, "fetch", "http_404", "Not \"Found\"");
  CHECK(HasRecordError(r));
  CHECK(*r.Raw("error") == R"({"stage":"fetch","code":"http_404","message":"Not \"Found\""})");
  CHECK_FALSE(HasRecordError(MustParse(R"({"error":null})")));
}

}  // namespace
}  // namespace pix
